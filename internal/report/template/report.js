// A failure opens in a panel over the page (the cells' <details> share a
// name, so one is open at a time); Close and Escape close it.
document.addEventListener("click", e => {
	const d = e.target.closest("button.close")?.closest("details");
	if (d) { d.open = false; d.querySelector("summary").focus(); }
});
document.addEventListener("keydown", e => {
	if (e.key === "Escape") for (const d of document.querySelectorAll("details.cell[open]")) d.open = false;
});
