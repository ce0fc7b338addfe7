// Enhances the search page with Pagefind's index, read from this site only. Without JavaScript the
// page lists every page instead, so nothing here is needed to find anything.
const form = document.querySelector("form[data-search-bundle]");
const results = document.querySelector(".search-results");
const allPages = document.querySelector(".all-pages");

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const excerpt = document.createElement("p");
  // Pagefind marks matches with <mark>; only the text is kept, so no markup is inserted.
  const holder = document.createElement("div");
  holder.innerHTML = data.excerpt;
  excerpt.textContent = holder.textContent;
  item.append(link, excerpt);
  return item;
}

async function search(query) {
  // import() resolves against this script, not the page: make the address absolute first.
  const bundle = new URL(form.dataset.searchBundle, document.baseURI);
  const pagefind = await import(bundle.href);
  // Result addresses start at the site's root, which may sit below the host's root.
  await pagefind.options({ excerptLength: 24, baseUrl: new URL("../", bundle).pathname });
  const found = await pagefind.search(query);
  const list = results.querySelector("ol");
  list.replaceChildren();
  const pages = await Promise.all(found.results.slice(0, 20).map((result) => result.data()));
  for (const data of pages) list.append(resultItem(data));
  let empty = results.querySelector(".no-results");
  if (!pages.length) {
    if (!empty) {
      empty = document.createElement("p");
      empty.className = "no-results";
      results.append(empty);
    }
    empty.textContent = results.dataset.noResults;
  } else if (empty) {
    empty.remove();
  }
  results.hidden = false;
  allPages.hidden = pages.length > 0;
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
