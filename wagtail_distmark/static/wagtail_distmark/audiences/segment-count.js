// Live count of a segment's contacts while it is edited: posts the form (as
// it would be saved) to the count endpoint, at most once per pause in typing.
(function () {
  'use strict';

  const DELAY = 500;

  function setUp(panel) {
    const form = panel.closest('form');
    const text = panel.querySelector('[data-distmark-segment-count-text]');
    if (!form || !text) return;
    let timer = null;
    let latest = 0;

    function show(message, isError) {
      text.textContent = message;
      panel.classList.toggle('help-critical', Boolean(isError));
      panel.classList.toggle('help-info', !isError);
    }

    async function count() {
      const request = ++latest;
      try {
        const response = await fetch(panel.dataset.url, {
          method: 'POST',
          body: new FormData(form),
          credentials: 'same-origin',
          headers: { 'X-Requested-With': 'XMLHttpRequest' },
        });
        const data = await response.json();
        if (request !== latest) return; // an older answer arriving late
        if (response.ok) {
          show(data.text, false);
        } else {
          show((data.errors || []).join(' '), true);
        }
      } catch (error) {
        if (request === latest) show(String(error), true);
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(count, DELAY);
    }

    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    // Adding, moving or deleting a rule changes the form without an input event.
    // (Our own count text changing is not one of them.)
    new MutationObserver((mutations) => {
      if (mutations.some((mutation) => !panel.contains(mutation.target))) {
        schedule();
      }
    }).observe(form, { childList: true, subtree: true });
    schedule();
  }

  function init() {
    document.querySelectorAll('[data-distmark-segment-count]').forEach(setUp);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
