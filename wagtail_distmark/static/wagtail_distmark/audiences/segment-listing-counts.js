// The segment listing's network-wide counts: the page is rendered without
// them (each reads most of the contact table), and this asks the segment's
// count endpoint for each, one at a time, then fills the row's cells. The
// endpoint reuses a count made in the last few minutes.
(function () {
  'use strict';

  async function fill(url, cells) {
    try {
      const response = await fetch(url, {
        credentials: 'same-origin',
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      const data = await response.json();
      if (!response.ok) throw new Error((data.errors || []).join(' '));
      cells.forEach((cell) => {
        cell.textContent = String(data[cell.dataset.field]);
        if (cell.dataset.field === 'contacts' && data.counted) {
          const note = document.createElement('small');
          note.className = 'w-help-text';
          note.textContent = data.counted;
          cell.after(document.createElement('br'), note);
        }
      });
    } catch (error) {
      cells.forEach((cell) => {
        cell.textContent = '–';
        cell.title = String(error);
      });
    }
  }

  async function init() {
    const byUrl = new Map();
    document.querySelectorAll('[data-distmark-segment-row-count]').forEach((cell) => {
      cell.removeAttribute('data-distmark-segment-row-count');
      if (!byUrl.has(cell.dataset.url)) byUrl.set(cell.dataset.url, []);
      byUrl.get(cell.dataset.url).push(cell);
    });
    // One at a time: each is a network-wide count on the database.
    for (const [url, cells] of byUrl) {
      await fill(url, cells);
    }
  }

  // Searching or filtering the listing swaps its rows in without a reload.
  document.addEventListener('w-swap:success', init);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
