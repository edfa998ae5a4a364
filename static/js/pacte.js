/* Progressive enhancements of the PACTE portal. Every page works without this file; with it:
   - after a form failed, focus goes to its error summary, so screen readers read it first;
   - the agenda's filters fold behind their "Filtrer" button on small screens;
   - long commune lists (select[data-combobox]) can be typed into, through a datalist. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector(".form-errors[tabindex='-1']");
    if (summary) {
      summary.focus();
    }
  }

  function foldFilters() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 50rem)").matches) {
      return;
    }
    document.querySelectorAll("details.filters-fold[open]").forEach(function (details) {
      details.open = false;
    });
  }

  // French comparison ignoring accents and case, as pacte/collation.py does on the server.
  function key(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[-'’]/g, " ").toLowerCase().trim();
  }

  function enhanceSelect(select, index) {
    var label = document.querySelector("label[for='" + select.id + "']");
    if (!label) {
      return;
    }
    var options = Array.prototype.filter.call(select.options, function (option) {
      return option.value !== "";
    });
    var empty = Array.prototype.find.call(select.options, function (option) {
      return option.value === "";
    });
    var list = document.createElement("datalist");
    list.id = select.id + "_liste";
    options.forEach(function (option) {
      var item = document.createElement("option");
      item.value = option.textContent;
      list.appendChild(item);
    });
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "_saisie";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var describedBy = select.getAttribute("aria-describedby");
    if (describedBy) {
      input.setAttribute("aria-describedby", describedBy);
    }
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
    input.placeholder = empty ? empty.textContent : "";
    var selected = select.options[select.selectedIndex];
    input.value = selected && selected.value !== "" ? selected.textContent : "";
    label.htmlFor = input.id;

    // Told when the text matches no commune (the forms are "novalidate": no browser bubble).
    var hint = document.createElement("p");
    hint.id = select.id + "_indication";
    hint.className = "help";
    hint.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", ((describedBy ? describedBy + " " : "") + hint.id));

    // The select stays in the form (it carries the name and the value); the text field drives it.
    // An exact name, or the only commune starting with what was typed, is chosen.
    function sync(event) {
      var wanted = key(input.value);
      var match = options.find(function (option) {
        return key(option.textContent) === wanted;
      });
      if (!match && wanted !== "") {
        var starting = options.filter(function (option) {
          return key(option.textContent).indexOf(wanted) === 0;
        });
        if (starting.length === 1 && event.type === "change") {
          match = starting[0];
          input.value = match.textContent;
        }
      }
      if (match) {
        select.value = match.value;
        hint.textContent = "";
      } else if (wanted === "") {
        select.value = "";
        hint.textContent = "";
      } else if (event.type === "change") {
        hint.textContent = "Aucune commune ne correspond à « " + input.value + " » : choisissez un nom dans la liste.";
      }
    }
    input.addEventListener("input", sync);
    input.addEventListener("change", sync);
    select.hidden = true;
    select.setAttribute("tabindex", "-1");
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(list, select);
    select.parentNode.insertBefore(hint, select);
  }

  function enhanceCommuneSelects(root) {
    (root || document).querySelectorAll("select[data-combobox]:not([hidden])").forEach(enhanceSelect);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    foldFilters();
    enhanceCommuneSelects(document);
  });
})();
