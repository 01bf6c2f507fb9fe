// Guides a custom attribute rule in the segment editor: once an attribute is
// chosen, the tests offered are the ones its type allows, a choice attribute
// suggests its choices, and the value box says what it expects. The server
// checks the same on save; this spares the editor a round trip.
(function () {
  'use strict';

  const SELECTOR = 'select[data-distmark-attribute-details]';
  const SUFFIX = '-attribute';

  function detailsOf(select) {
    try {
      return JSON.parse(select.dataset.distmarkAttributeDetails)[select.value] || null;
    } catch (error) {
      return null;
    }
  }

  function showChoices(input, choices) {
    const id = `${input.id}-choices`;
    let list = document.getElementById(id);
    if (!choices.length) {
      input.removeAttribute('list');
      if (list) list.remove();
      return;
    }
    if (!list) {
      list = document.createElement('datalist');
      list.id = id;
      input.after(list);
    }
    const shown = Array.from(list.options, (option) => option.value);
    // Unchanged: leave the DOM alone (a change would wake the observer below).
    if (shown.join('\n') === choices.join('\n')) {
      input.setAttribute('list', id);
      return;
    }
    list.replaceChildren(
      ...choices.map((choice) => {
        const option = document.createElement('option');
        option.value = choice;
        return option;
      }),
    );
    input.setAttribute('list', id);
  }

  // switchTest: the editor has just chosen the attribute, so a test its type
  // does not allow is replaced by the first that it does. A saved rule is
  // never changed behind the editor's back: an unfit test stays selected (and
  // submitted) for the server to name on save.
  function guide(select, switchTest) {
    const form = select.form;
    if (!form || !select.name.endsWith(SUFFIX)) return;
    const prefix = select.name.slice(0, -SUFFIX.length);
    const operator = form.elements.namedItem(`${prefix}-operator`);
    const value = form.elements.namedItem(`${prefix}-value`);
    if (!operator || !value) return;
    const details = detailsOf(select);
    const allowed = details ? details.operators : null;
    const keep = switchTest ? null : operator.value;
    for (const option of operator.options) {
      const unfit =
        Boolean(allowed) && !allowed.includes(option.value) && option.value !== keep;
      option.hidden = unfit;
      option.disabled = unfit;
    }
    if (switchTest && allowed && allowed.length && !allowed.includes(operator.value)) {
      operator.value = allowed[0];
      operator.dispatchEvent(new Event('change', { bubbles: true }));
    }
    value.placeholder = details ? details.placeholder : '';
    showChoices(value, details ? details.choices : []);
  }

  function guideAll() {
    document.querySelectorAll(SELECTOR).forEach((select) => guide(select, false));
  }

  document.addEventListener('change', (event) => {
    if (event.target instanceof Element && event.target.matches(SELECTOR)) {
      guide(event.target, true);
    }
  });

  // Saved rules are drawn by the StreamField's script after the page loads,
  // and new ones whenever the editor adds a rule: guide them once the DOM
  // settles (a rule's fields may arrive in more than one change).
  let scheduled = false;
  function start() {
    guideAll();
    new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        guideAll();
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
