// GraphiQL from this server's own assets. Headers (an API key) stay in memory only unless
// the journalist turns on "persist headers" in GraphiQL's settings: newsroom machines are shared.
(function () {
  "use strict";
  const example = JSON.parse(document.getElementById("example-query").textContent);
  const parameters = new URLSearchParams(window.location.search);
  const url = new URL("/graphql", window.location.href);
  const subscriptionUrl = new URL(url);
  subscriptionUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";

  const fetcher = GraphiQL.createFetcher({ url: url.href, subscriptionUrl: subscriptionUrl.href });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  // GraphiQL's history and favourites keep each run's headers in localStorage even when
  // headers are not to persist: this storage drops them there unless the journalist has
  // turned "persist headers" on.
  const PERSIST = "graphiql:shouldPersistHeaders";
  const storage = {
    getItem: (key) => localStorage.getItem(key),
    removeItem: (key) => localStorage.removeItem(key),
    get length() { return localStorage.length; },
    clear() {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith("graphiql:")) localStorage.removeItem(key);
      }
    },
    setItem(key, value) {
      if (localStorage.getItem(PERSIST) !== "true" && /:(queries|favorites)$/.test(key)) {
        try {
          value = JSON.stringify(JSON.parse(value), (name, item) => (name === "headers" ? undefined : item));
        } catch (error) {
          return; // not what GraphiQL writes there: better unsaved than a key kept
        }
      }
      localStorage.setItem(key, value);
    },
  };

  function App() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      storage: storage,
      query: parameters.get("query") || parameters.get("q") || example,
      variables: parameters.get("variables") || undefined,
      operationName: parameters.get("operationName") || undefined,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
