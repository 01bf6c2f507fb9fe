// The outlet page editor: badges follow what the outlet types ("HQ's value" ->
// "Your value"), and "Reuse my earlier value" puts a stale value back in its
// field. The server decides on save; this only keeps the screen honest.
(() => {
  const fieldValues = (form, prefix) =>
    JSON.stringify(
      [...new FormData(form)].filter(
        ([name, value]) =>
          (name === prefix || name.startsWith(`${prefix}-`)) &&
          typeof value === 'string',
      ),
    );

  const setup = (field) => {
    const form = field.closest('form');
    const badge = field.querySelector('[data-dm-source]');
    const prefix = field.dataset.dmName;
    if (!form || !badge || !prefix) return;
    const original = badge.dataset.dmSource;
    let initial = null;
    const snapshot = () => {
      if (initial === null) initial = fieldValues(form, prefix);
    };
    const show = (source) => {
      badge.dataset.dmSource = source;
      badge.textContent = badge.dataset[source === 'outlet' ? 'dmLabelOutlet' : 'dmLabelHq'];
      badge.classList.toggle('w-status--primary', source === 'outlet');
    };
    const update = () => {
      if (initial === null) return;
      const revert = field.querySelector('[data-dm-revert]');
      if (revert && revert.checked) {
        show('hq');
      } else if (fieldValues(form, prefix) !== initial) {
        show('outlet');
      } else {
        show(original);
      }
    };
    // Rich text editors write their hidden input a moment after a keystroke.
    const later = () => window.setTimeout(update, 200);
    field.addEventListener('focusin', snapshot);
    field.addEventListener('pointerdown', snapshot);
    ['input', 'change', 'keyup', 'focusout'].forEach((type) =>
      field.addEventListener(type, later),
    );

    const reuse = field.querySelector('[data-dm-reuse]');
    const earlier = field.querySelector('template[data-dm-earlier-widget]');
    const widget = field.querySelector('[data-dm-widget]');
    if (reuse && earlier && widget) {
      reuse.addEventListener('click', () => {
        snapshot();
        // A fresh block widget: Wagtail's w-block controller builds it on connect.
        widget.replaceChildren(earlier.content.cloneNode(true));
        reuse.hidden = true;
        later();
      });
    }
  };

  const init = () =>
    document
      .querySelectorAll('[data-dm-overrides] [data-dm-field]')
      .forEach(setup);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
