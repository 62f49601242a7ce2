/* oress — search of a commune on the index page: fills the suggestion list and, on submit, lists the
   pages of the commune's EPCI, custom territories and département. Data: static/communes.js. */
(function () {
  "use strict";
  var data = window.ORESS_COMMUNES;
  var form = document.getElementById("recherche");
  var input = document.getElementById("commune");
  var list = document.getElementById("communes-liste");
  var out = document.getElementById("recherche-resultat");
  if (!data || !form) { return; }
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'’]/g, " ").replace(/\s+/g, " ").trim();
  }
  var folded = data.communes.map(function (c) { return fold(c[0]); });
  var fragment = document.createDocumentFragment();
  data.communes.forEach(function (c) {
    var option = document.createElement("option");
    option.value = c[0] + " (" + c[1] + ")";
    fragment.appendChild(option);
  });
  list.appendChild(fragment);
  function find(query) {
    var code = query.match(/\b(\d[\dAB]\d{3})\b/);
    if (code) {
      var exact = data.communes.filter(function (c) { return c[1] === code[1]; });
      if (exact.length) { return exact; }
    }
    var q = fold(query.replace(/\s*\([^)]*\)\s*$/, ""));
    if (!q) { return []; }
    var same = data.communes.filter(function (c, i) { return folded[i] === q; });
    if (same.length) { return same; }
    return data.communes.filter(function (c, i) { return folded[i].indexOf(q) === 0; }).slice(0, 10);
  }
  function show(found, query) {
    out.textContent = "";
    var heading = document.createElement("p");
    if (!found.length) {
      heading.textContent = "Aucune commune de la région ne correspond à « " + query + " ».";
      out.appendChild(heading);
      return;
    }
    heading.textContent = found.length === 1 ? "1 commune trouvée :" : found.length + " communes trouvées :";
    out.appendChild(heading);
    var communes = document.createElement("ul");
    found.forEach(function (c) {
      var item = document.createElement("li");
      item.appendChild(document.createTextNode(c[0] + " (" + c[1] + ") : "));
      var pages = document.createElement("ul");
      c[2].forEach(function (number) {
        var territory = data.territoires[number];
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = territory[0];
        link.textContent = territory[1];
        li.appendChild(document.createTextNode(territory[2] + " : "));
        li.appendChild(link);
        pages.appendChild(li);
      });
      item.appendChild(pages);
      communes.appendChild(item);
    });
    out.appendChild(communes);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(find(input.value), input.value);
  });
}());
