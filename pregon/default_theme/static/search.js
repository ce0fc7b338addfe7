// Enhances the search page with the site's Pagefind index (pagefind/), read from this site only: no
// other host, no cookies, nothing sent anywhere. Without JavaScript the page lists the first page of
// each section's index instead, with links to the rest, so nothing here is needed to find anything.
//
// Pagefind's own interface is not used: its strings would bypass the site's catalogs. This shows each
// result's title and the excerpt Pagefind found, with the words it matched marked, and, under it, the
// headings of the page that matched (each FAQ question, with its anchor). Pagefind picks the index of
// the page's language from <html lang>.
const form = document.querySelector("form[data-pagefind]");
const results = document.querySelector(".search-results");
const allPages = document.querySelector(".all-pages");
const MAX_RESULTS = 20;
const MAX_SUB_RESULTS = 3;
let pagefind = null;

async function engine() {
  if (!pagefind) {
    pagefind = import(new URL(form.dataset.pagefind, document.baseURI).href).then(async (loaded) => {
      await loaded.options({ excerptLength: 24, baseUrl: "/" });
      return loaded;
    });
    // A failed load (an index not made yet, in the preview) is tried again at the next search.
    pagefind.catch(() => {
      pagefind = null;
    });
  }
  return pagefind;
}

// Pagefind gives addresses from the site's root (`/es/preguntas/que-es-pars/#pars`); the site may be
// served from a folder, so they are resolved against the site's root as this page links to it.
function href(address) {
  const root = new URL(form.dataset.root, document.baseURI);
  const target = new URL(address.replace(/^\//, ""), root);
  return target.pathname + target.hash;
}

// Pagefind's excerpts are the page's text, escaped, with <mark> around the words found: nothing else
// is kept.
function excerptOf(markup) {
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  const parsed = new DOMParser().parseFromString(`<p>${markup}</p>`, "text/html").body.firstChild;
  for (const node of parsed.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      excerpt.append(node.textContent);
    } else if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      excerpt.append(mark);
    } else {
      excerpt.append(node.textContent);
    }
  }
  return excerpt;
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = href(data.url);
  link.textContent = data.meta.title || data.url;
  item.append(link, excerptOf(data.excerpt));
  const pageAddress = data.url.split("#")[0];
  const headings = (data.sub_results || []).filter(
    (sub) => sub.url.split("#")[0] === pageAddress && sub.url !== data.url && sub.title !== data.meta.title,
  );
  if (headings.length) {
    const list = document.createElement("ul");
    list.className = "sub-results";
    for (const sub of headings.slice(0, MAX_SUB_RESULTS)) {
      const entry = document.createElement("li");
      const subLink = document.createElement("a");
      subLink.href = href(sub.url);
      subLink.textContent = sub.title;
      entry.append(subLink, excerptOf(sub.excerpt));
      list.append(entry);
    }
    item.append(list);
  }
  return item;
}

async function search(query) {
  const loaded = await engine();
  const found = await loaded.search(query);
  const shown = await Promise.all(found.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  const list = results.querySelector("ol");
  list.replaceChildren(...shown.map(resultItem));
  let empty = results.querySelector(".no-results");
  if (!shown.length) {
    if (!empty) {
      empty = document.createElement("p");
      empty.className = "no-results";
      list.after(empty);
    }
    empty.textContent = results.dataset.noResults;
  } else if (empty) {
    empty.remove();
  }
  for (const elsewhere of results.querySelectorAll(".search-elsewhere")) {
    const link = elsewhere.querySelector("a");
    const target = new URL(link.getAttribute("href"), document.baseURI);
    target.searchParams.set("q", query);
    link.href = target.pathname + target.search;
    elsewhere.hidden = false;
  }
  results.hidden = false;
  allPages.hidden = shown.length > 0;
}

if (form) {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  form.elements.q.value = query;
  if (query.trim()) search(query.trim());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = form.elements.q.value.trim();
    const url = new URL(window.location.href);
    url.searchParams.set("q", value);
    window.history.replaceState(null, "", url);
    if (value) search(value);
  });
}
