// A failure opens in a panel over the page (the cells' <details> share a
// name, so one is open at a time); Close and Escape close it.
document.addEventListener("click", e => {
	const d = e.target.closest("button.close")?.closest("details");
	if (d) { d.open = false; d.querySelector("summary").focus(); }
});
document.addEventListener("keydown", e => {
	if (e.key === "Escape") for (const d of document.querySelectorAll("details.cell[open]")) d.open = false;
});

// The search box and the status filters show the rows that match both:
// a row whose name holds every word searched for, with a cell of a
// status shown. A table, or an area, with no row left is hidden.
const search = document.getElementById("search");
const boxes = [...document.querySelectorAll("#filter input")];
function filter() {
	const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
	const on = new Set(boxes.filter(b => b.checked).map(b => b.value));
	let shown = 0, total = 0;
	for (const group of document.querySelectorAll("section.group")) {
		const areas = new Set();
		for (const row of group.querySelectorAll("tr[data-search]")) {
			total++;
			const ok = words.every(w => row.dataset.search.includes(w)) &&
				row.dataset.statuses.split(" ").some(s => on.has(s));
			row.hidden = !ok;
			if (ok) { shown++; areas.add(row.dataset.area); }
		}
		let area = -1;
		for (const row of group.querySelectorAll("tbody tr")) {
			if (row.classList.contains("area")) row.hidden = !areas.has(String(++area));
		}
		group.hidden = areas.size === 0;
	}
	document.getElementById("shown").textContent = shown === total ? `${total} rows` : `${shown} of ${total} rows`;
}
search.addEventListener("input", filter);
for (const b of boxes) b.addEventListener("change", filter);
filter();
