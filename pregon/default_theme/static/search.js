// Enhances the search page with the site's own index (search-index/<language>/), read from this site
// only: no other host, no cookies, nothing sent anywhere. Without JavaScript the page lists the first page
// of each section's index instead, with links to the rest, so nothing here is needed to find anything.
//
// Words are folded as pregon/search.py folds them: accents and case dropped. Each word's pages are in
// a file named after its first two letters; the last word typed also matches longer words
// ("derech" finds "derechos"), the others must match whole words or start them.
const form = document.querySelector("form[data-search-index]");
const results = document.querySelector(".search-results");
const allPages = document.querySelector(".all-pages");
const MAX_RESULTS = 20;
const cache = new Map();

function fold(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function wordsOf(text) {
  return [...new Set((fold(text).match(/[\p{L}\p{N}]+/gu) || []).filter((word) => word.length > 1))];
}

function shardName(word) {
  const bytes = new TextEncoder().encode(Array.from(word).slice(0, 2).join(""));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function fetchJson(url) {
  if (!cache.has(url)) {
    cache.set(
      url,
      fetch(url).then((response) => (response.ok ? response.json() : null)),
    );
  }
  return cache.get(url);
}

// Page number -> score for one word: a whole-word match counts more than a longer word, and a title
// more than the text.
async function scoresFor(word, base) {
  const shard = (await fetchJson(new URL(`words/${shardName(word)}.json`, base))) || {};
  const scores = new Map();
  for (const [indexed, postings] of Object.entries(shard)) {
    if (!indexed.startsWith(word)) continue;
    const weight = indexed === word ? 2 : 1;
    for (const posting of postings) {
      const page = posting >> 1;
      const score = weight * (posting & 1 ? 3 : 1);
      scores.set(page, Math.max(scores.get(page) || 0, score));
    }
  }
  return scores;
}

async function find(query, base) {
  const words = wordsOf(query);
  if (!words.length) return [];
  const perWord = await Promise.all(words.map((word) => scoresFor(word, base)));
  const [first, ...rest] = perWord;
  const found = [];
  for (const [page, score] of first) {
    if (rest.every((scores) => scores.has(page))) {
      found.push([page, rest.reduce((total, scores) => total + scores.get(page), score)]);
    }
  }
  // Best score first; among equals, the order of the site's lists (newest announcements first), which
  // is from the highest page number down: pages are numbered from the end of the lists.
  found.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  const about = await fetchJson(new URL("index.json", base));
  const shown = found.slice(0, MAX_RESULTS).map(([page]) => page);
  const blocks = await Promise.all(
    shown.map((page) => fetchJson(new URL(`pages/${Math.floor(page / about.pages_per_block)}.json`, base))),
  );
  return shown.map((page, i) => blocks[i][page % about.pages_per_block]);
}

function resultItem([url, title, summary], base) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  // Addresses are from the site's root, which is two folders above the index of a language.
  link.href = new URL(`../../${url}index.html`, base).pathname;
  link.textContent = title;
  const excerpt = document.createElement("p");
  excerpt.textContent = summary;
  item.append(link, excerpt);
  return item;
}

async function search(query) {
  const base = new URL(form.dataset.searchIndex, document.baseURI);
  const pages = await find(query, base);
  const list = results.querySelector("ol");
  list.replaceChildren(...pages.map((page) => resultItem(page, base)));
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
