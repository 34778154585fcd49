// The search relevance set: realistic queries over the sample site and the page a reader
// expects first, judged from the content (not from what the engine returns). `top` is the
// URL expected first; `below` lists pages that must rank under it; `suggest` is the
// "did you mean" expected for a misspelled query. Run by relevance.test.mjs, and by hand
// with `node tests/js/relevance.test.mjs` after `opsbook build` (see that file).
export const CASES = [
  { query: "refund policy", top: "/returns/refund-rules/" },
  { query: "pick pack", top: "/fulfillment/pick-pack-ship/", below: ["/fulfillment/manual-batch-picking/"] },
  { query: "inventroy", suggest: "inventory" },
  { query: "refund polcy", suggest: "refund policy", top: "/returns/refund-rules/" },
  { query: "cycle count", top: "/inventory/cycle-counting/" },
  { query: "reorder point", top: "/inventory/reorder-points/" },
  { query: "safety stock", top: "/inventory/reorder-points/" },
  { query: "shrink", top: "/inventory/stock-adjustments/" },
  { query: "carrier claim", top: "/customer-service/carrier-claims/" },
  { query: "lost shipment", top: "/customer-service/carrier-claims/" },
  { query: "wismo", top: "/customer-service/wismo-tickets/" },
  { query: "cancel order", top: "/customer-service/order-changes-and-cancellations/" },
  { query: "restock or write off", top: "/returns/restock-vs-write-off/" },
  { query: "return fraud", top: "/returns/return-fraud-signals/" },
  { query: "kpi", top: "/reporting/kpi-definitions/" },
  { query: "shipping cutoff", top: "/fulfillment/carrier-cutoffs/" },
  { query: "month end reconciliation", top: "/reporting/month-end-inventory-reconciliation/" },
  { query: "new sku", top: "/catalog/sku-onboarding/" },
  { query: "discontinue sku", top: "/catalog/discontinuing-a-sku/" },
  { query: "wrong item shipped", top: "/fulfillment/mis-pick-handling/" },
  { query: "peak season", top: "/fulfillment/peak-season-surge-plan/" },
  { query: "receiving purchase orders", top: "/inventory/receiving-purchase-orders/" },
  { query: "backup owner", top: "/how-we-operate/ownership-and-backups/" },
  { query: "fba replenishment", top: "/sales-channels/fba-replenishment/" },
  { query: "wholesale", top: "/sales-channels/wholesale-orders/" },
  { query: "count variance", top: "/inventory/cycle-counting/" },
  { query: "escalation", top: "/customer-service/escalation-matrix/" },
];

/**
 * Runs every case against `engine` (a SearchEngine on a built sample site). Returns one row
 * per case: `{ query, ok, rank, first, problems }`, where `rank` is the position of `top`
 * among the results (1 is first, 0 is not found) and `first` the URL that came first.
 */
export async function evaluate(engine) {
  const rows = [];
  for (const c of CASES) {
    const result = await engine.search(c.query);
    const records = await engine.records(result.hits.map((h) => h.page));
    const urls = records.map((r) => r.url);
    const problems = [];
    const rank = c.top ? urls.indexOf(c.top) + 1 : null;
    if (c.top && rank !== 1) problems.push(`${c.top} is ${rank ? `number ${rank}` : "not found"}, ${urls[0] ?? "nothing"} is first`);
    for (const url of c.below ?? []) {
      if (urls.includes(url) && urls.indexOf(url) < urls.indexOf(c.top)) problems.push(`${url} ranks above ${c.top}`);
    }
    if ((c.suggest ?? null) !== result.suggestion) problems.push(`suggests ${JSON.stringify(result.suggestion)}, not ${JSON.stringify(c.suggest ?? null)}`);
    rows.push({ query: c.query, ok: problems.length === 0, rank, first: urls[0] ?? null, problems });
  }
  return rows;
}
