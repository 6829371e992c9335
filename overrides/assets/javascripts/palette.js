/* The light/dark toggle in the masthead: the one thing the edition's pages used
   Material's 35 kB script bundle for (overrides/main.html says why the bundle is
   not loaded). Material's palette partials stay as they are: a pair of radios, one
   per palette in mkdocs.yml, each followed by the label that switches to the next.

   The choice is kept where Material keeps it ("__palette", through the __md_get and
   __md_set helpers of Material's inline head script, scoped to the site), in the
   same shape, so the inline palette script applies it before the first paint of the
   next page, and a choice made while the bundle was loaded still holds. With no
   choice kept, the palette whose media query matches (the system's light or dark)
   is taken, as Material does. */
(() => {
  const form = document.querySelector("[data-md-component=palette]");
  if (!form) return;
  const inputs = [...form.querySelectorAll("input[name=__palette]")];
  if (!inputs.length) return;
  const scheme = document.createElement("meta");
  scheme.name = "color-scheme";
  document.head.appendChild(scheme);

  const apply = (index) => {
    const input = inputs[index];
    const color = {};
    for (const key of ["media", "scheme", "primary", "accent"]) {
      color[key] = input.getAttribute("data-md-color-" + key);
      document.body.setAttribute("data-md-color-" + key, color[key]);
    }
    // The radio of the palette shown is the checked one, so Tab lands on it and
    // the arrow keys move to the other; the one label shown is the one after it.
    input.checked = true;
    inputs.forEach((other, i) => {
      const label = other.nextElementSibling;
      if (label instanceof HTMLLabelElement) label.hidden = i !== index;
    });
    scheme.content = color.scheme === "slate" ? "dark" : "light";
    __md_set("__palette", { index, color });
  };

  const kept = __md_get("__palette");
  let index = kept && Number.isInteger(kept.index) ? kept.index
    : inputs.findIndex((input) => matchMedia(input.getAttribute("data-md-color-media")).matches);
  apply(Math.max(0, Math.min(index, inputs.length - 1)));

  for (const input of inputs) {
    input.addEventListener("change", () => apply(inputs.indexOf(input)));
  }
  // Enter on the toggle switches, as a click on its label does.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.target instanceof HTMLInputElement)) return;
    event.preventDefault();
    form.querySelector("label:not([hidden])")?.click();
  });
})();
