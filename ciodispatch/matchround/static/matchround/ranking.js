// Reorders a ranking in the page: buttons move items without reloading, a mouse can drag them,
// and Alt+ArrowUp/ArrowDown move the focused item. The form still posts the hidden inputs in
// list order, so the page works the same without this script.
(function () {
  "use strict";
  var form = document.querySelector("[data-ranking]");
  if (!form) { return; }
  var list = form.querySelector("[data-ranking-list]");
  var pool = form.querySelector("[data-ranking-pool]");
  var status = form.querySelector("[data-ranking-status]");
  var dirty = form.querySelector("[data-ranking-dirty]");
  var empty = form.querySelector("[data-ranking-empty]");
  var messages = JSON.parse(document.getElementById("ranking-messages").textContent);
  var dragged = null;

  function items() { return Array.prototype.slice.call(list.querySelectorAll(".ranking__item")); }

  function refresh() {
    items().forEach(function (item, index) {
      item.querySelector(".ranking__position").textContent = String(index + 1);
      item.querySelector("input").disabled = false;
    });
    Array.prototype.forEach.call(pool.querySelectorAll(".ranking__item"), function (item) {
      item.querySelector(".ranking__position").textContent = "";
      item.querySelector("input").disabled = true;
    });
    Array.prototype.forEach.call(pool.querySelectorAll("li:not(.ranking__item)"), function (li) {
      li.remove();
    });
    if (empty) { empty.hidden = items().length > 0; }
    if (dirty) { dirty.hidden = false; }
  }

  function announce(template, item) {
    var position = items().indexOf(item) + 1;
    status.textContent = template
      .replace("%(title)s", item.getAttribute("data-title"))
      .replace("%(position)s", String(position));
  }

  function move(item, verb) {
    if (verb === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (verb === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else if (verb === "remove") {
      pool.insertBefore(item, pool.firstChild);
    } else if (verb === "add") {
      list.appendChild(item);
    } else {
      return;
    }
    refresh();
    announce(verb === "remove" ? messages.removed : messages.moved, item);
    var again = item.querySelector('[data-move="' + verb + '"]');
    var target = again && again.offsetParent !== null ? again
      : item.querySelector(verb === "remove" ? '[data-move="add"]' : '[data-move="up"]');
    if (target) { target.focus(); }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) { return; }
    event.preventDefault();
    move(button.closest(".ranking__item"), button.getAttribute("data-move"));
  });

  form.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) { return; }
    var item = event.target.closest(".ranking__item");
    if (!item || item.parentNode !== list) { return; }
    event.preventDefault();
    move(item, event.key === "ArrowUp" ? "up" : "down");
  });

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".ranking__item");
    if (dragged) {
      dragged.classList.add("ranking__item--dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-id"));
    }
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var over = event.target.closest(".ranking__item");
    if (!over || over === dragged) { return; }
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("ranking__item--dragging");
    refresh();
    announce(messages.moved, dragged);
    dragged = null;
  });
  form.addEventListener("submit", function () { if (dirty) { dirty.hidden = true; } });
})();
