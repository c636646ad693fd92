// wirestream report: draws the data that wirestream/report.py inlined. Story text only ever goes into the
// page as text (d3's .text(), textContent), never as markup. When everything is drawn, the counts of what
// was drawn go into <body data-drawn> (the browser test reads them).
"use strict";

const data = JSON.parse(document.getElementById("report-data").textContent);
const world = JSON.parse(document.getElementById("world").textContent);
const COLOURS = {PERSON: "#f28e2b", ORG: "#59a14f", PLACE: "#4e79a7", OTHER: "#bab0ac"};
const kind = label => label === "PERSON" || label === "ORG" ? label
  : ["GPE", "LOC", "FAC"].includes(label) ? "PLACE" : "OTHER";

function header() {
  d3.select("#title").text(data.title);
  const cards = [["stories", data.stories], ["dead letters", data.dead_letters],
    ["records", data.stories + data.dead_letters],
    ...data.analysis.map(([status, n]) => [`analysis ${status}`, n]),
    ...data.stance_labels.map(([label, n]) => [`${label} stances`, n])];
  const card = d3.select("#cards").selectAll("div").data(cards).join("div").attr("class", "card");
  card.append("b").text(d => d[1].toLocaleString("en"));
  card.append("span").text(d => d[0]);
}

function timeline() {
  const {unit, bins, undated} = data.timeline;
  d3.select("#timeline-note").text(`Stories per ${unit}, by publish time, else dateline date` +
    (undated ? `; ${undated} without either are not shown.` : "."));
  const width = 1320, height = 180, margin = {top: 8, right: 8, bottom: 24, left: 36};
  const svg = d3.select("#timeline").attr("viewBox", [0, 0, width, height]);
  const x = d3.scaleBand(bins.map(b => b[0]), [margin.left, width - margin.right]).padding(0.15);
  const y = d3.scaleLinear([0, d3.max(bins, b => b[1]) || 1], [height - margin.bottom, margin.top]).nice();
  const format = {hour: d3.utcFormat("%b %d %H:00"), day: d3.utcFormat("%b %d, %Y"), month: d3.utcFormat("%b %Y")}[unit];
  const bars = svg.append("g").attr("fill", "#4e79a7").selectAll("rect").data(bins).join("rect")
    .attr("x", b => x(b[0])).attr("width", x.bandwidth())
    .attr("y", b => y(b[1])).attr("height", b => y(0) - y(b[1]));
  bars.append("title").text(b => `${format(new Date(b[0]))}: ${b[1]} stories`);
  const every = Math.max(1, Math.ceil(bins.length / 12));
  svg.append("g").attr("transform", `translate(0,${height - margin.bottom})`)
    .call(d3.axisBottom(x).tickValues(bins.filter((b, i) => i % every === 0).map(b => b[0]))
      .tickFormat(t => format(new Date(t))));
  svg.append("g").attr("transform", `translate(${margin.left},0)`)
    .call(d3.axisLeft(y).tickValues(y.ticks(4).filter(Number.isInteger)).tickFormat(d3.format("d")));
  return bars.size();
}

function map() {
  const width = 1320, height = 640;
  const svg = d3.select("#map").attr("viewBox", [0, 0, width, height]);
  const projection = d3.geoNaturalEarth1().fitSize([width, height], {type: "Sphere"});
  const path = d3.geoPath(projection);
  svg.append("path").attr("class", "sphere").attr("d", path({type: "Sphere"}));
  const countries = svg.append("g").selectAll("path")
    .data(topojson.feature(world, world.objects.countries).features).join("path")
    .attr("class", "country").attr("d", path);
  const places = data.places;
  const r = d3.scaleSqrt([0, d3.max(places, p => Math.max(p.datelined, p.mentioned)) || 1], [0, 22]);
  const layers = [["mentioned", places.filter(p => p.mentioned)], ["datelined", places.filter(p => p.datelined)]];
  let circles = 0;
  for (const [layer, shown] of layers) {
    const dots = svg.append("g").selectAll("circle")
      .data(shown.slice().sort((a, b) => b[layer] - a[layer])).join("circle")
      .attr("class", `place ${layer}`).attr("r", p => Math.max(2, r(p[layer])))
      .attr("transform", p => `translate(${projection([p.longitude, p.latitude])})`);
    dots.append("title")
      .text(p => `${p.name}: datelined ${p.datelined}, mentioned in ${p.mentioned} ${p.mentioned === 1 ? "story" : "stories"}`);
    circles += dots.size();
  }
  svg.append("g").selectAll("text").data(places.slice(0, 15)).join("text").attr("class", "place-label")
    .attr("transform", p => `translate(${projection([p.longitude, p.latitude])})`)
    .attr("dx", p => Math.max(2, r(Math.max(p.datelined, p.mentioned))) + 3).attr("dy", "0.35em").text(p => p.name);
  return {countries: countries.size(), places: circles};
}

function topList(id) {
  const rows = data[id];
  const box = d3.select(`#${id}`);
  if (!rows.length) box.append("p").attr("class", "note").text("(none)");
  const max = d3.max(rows, d => d[1]) || 1;
  const row = box.selectAll("div.row").data(rows).join("div").attr("class", "row");
  row.append("span").attr("class", "name").attr("title", d => d[0]).text(d => d[0]);
  row.append("span").append("div").attr("class", "bar").style("width", d => `${100 * d[1] / max}%`);
  row.append("span").attr("class", "n").text(d => d[1]);
  return rows.length;
}

function network() {
  const links = data.stance_links.map(l => ({...l, source: l.holder, target: l.target}));
  d3.select("#network-note").text(`Each line is a holder's stance on a target (arrow), its width the number of ` +
    `stances; green FAVOR, red AGAINST, dashed grey NEUTRAL. ` + (data.stance_links_total > links.length
      ? `The ${links.length} most frequent of ${data.stance_links_total} links.` : `${links.length} links.`));
  const nodes = new Map();
  for (const l of links) {
    for (const [name, label] of [[l.holder, l.holder_label], [l.target, l.target_label]]) {
      const node = nodes.get(name) || {id: name, kind: kind(label), stances: 0};
      node.stances += l.stances;
      nodes.set(name, node);
    }
  }
  const width = 1000, height = 720;
  const svg = d3.select("#network");
  const radius = d3.scaleSqrt([1, d3.max([...nodes.values()], n => n.stances) || 1], [5, 16]);
  const simulation = d3.forceSimulation([...nodes.values()])
    .force("link", d3.forceLink(links).id(n => n.id).distance(70))
    .force("charge", d3.forceManyBody().strength(-160))
    .force("x", d3.forceX(width / 2).strength(0.06)).force("y", d3.forceY(height / 2).strength(0.08))
    .force("collide", d3.forceCollide(n => radius(n.stances) + 4)).stop();
  for (let i = 0; i < 300; i++) simulation.tick();  // laid out before drawing: the same picture every time
  // the view fits the drawing (room for labels on the right), not less than 640 x 400
  const [x0, x1] = d3.extent(nodes.values(), n => n.x), [y0, y1] = d3.extent(nodes.values(), n => n.y);
  const viewWidth = Math.max(640, x1 - x0 + 220), viewHeight = Math.max(400, y1 - y0 + 80);
  svg.attr("viewBox", [(x0 + x1) / 2 - viewWidth / 2 + 50, (y0 + y1) / 2 - viewHeight / 2, viewWidth, viewHeight]);
  const defs = svg.append("defs");
  for (const label of ["FAVOR", "AGAINST", "NEUTRAL"]) {
    defs.append("marker").attr("id", `arrow-${label}`).attr("viewBox", "0 -5 10 10").attr("refX", 10)
      .attr("markerWidth", 6).attr("markerHeight", 6).attr("orient", "auto")
      .append("path").attr("d", "M0,-4L10,0L0,4").attr("fill", {FAVOR: "#2e8540", AGAINST: "#d1495b", NEUTRAL: "#999"}[label]);
  }
  const curve = l => {  // FAVOR bends one way, AGAINST the other, so both stances of a pair show
    const {x: x1, y: y1} = l.source, {x: x2, y: y2} = l.target;
    const bend = {FAVOR: 0.15, AGAINST: -0.15, NEUTRAL: 0}[l.label];
    const mx = (x1 + x2) / 2 - bend * (y2 - y1), my = (y1 + y2) / 2 + bend * (x2 - x1);
    const gap = radius(l.target.stances) + 2, dx = x2 - mx, dy = y2 - my, d = Math.hypot(dx, dy) || 1;
    return `M${x1},${y1}Q${mx},${my} ${x2 - dx / d * gap},${y2 - dy / d * gap}`;
  };
  const lines = svg.append("g").selectAll("path").data(links).join("path")
    .attr("class", l => `link ${l.label}`).attr("d", curve)
    .attr("stroke-width", l => 1.2 + Math.log2(l.stances)).attr("marker-end", l => `url(#arrow-${l.label})`)
    .on("click", (event, l) => showEvidence(l));
  lines.append("title").text(l => `${l.holder} ${l.label} ${l.target} (${l.stances})\n` +
    l.evidence.map(e => `“${e.sentence}” (${e.story})`).join("\n"));
  const node = svg.append("g").selectAll("g").data([...nodes.values()]).join("g").attr("class", "node")
    .attr("transform", n => `translate(${n.x},${n.y})`);
  node.append("circle").attr("r", n => radius(n.stances)).attr("fill", n => COLOURS[n.kind]);
  node.append("text").attr("x", n => radius(n.stances) + 3).attr("dy", "0.35em").text(n => n.id);
  node.append("title").text(n => `${n.id}: ${n.stances} stances`);
  const legend = svg.append("g").attr("class", "legend")
    .attr("transform", `translate(${(x0 + x1) / 2 - viewWidth / 2 + 60},${(y0 + y1) / 2 - viewHeight / 2 + 14})`)
    .selectAll("g").data(Object.entries(COLOURS)).join("g").attr("transform", (d, i) => `translate(${i * 80},0)`);
  legend.append("circle").attr("r", 5).attr("fill", d => d[1]);
  legend.append("text").attr("x", 8).attr("dy", "0.35em").text(d => d[0].toLowerCase());
  return {nodes: node.size(), links: lines.size()};
}

function showEvidence(link) {
  const box = d3.select("#evidence").html(null);  // emptied; what follows is text only
  box.append("h3").text(`${link.holder} ${link.label} ${link.target}`);
  box.append("p").attr("class", "note").text(`${link.stances} ${link.stances === 1 ? "stance" : "stances"}` +
    (link.stances > link.evidence.length ? `, the first ${link.evidence.length} shown` : ""));
  const quote = box.selectAll("blockquote").data(link.evidence).join("blockquote");
  quote.append("div").text(e => e.sentence);
  quote.append("div").attr("class", "note").text(e => e.story);
}

function deadLetters() {
  const rows = data.dead_letter_reasons.length ? data.dead_letter_reasons : [["(none)", "", ""]];
  const tr = d3.select("#dead-letters tbody").selectAll("tr").data(rows).join("tr");
  tr.selectAll("td").data(r => r).join("td").attr("class", (v, i) => i === 2 ? "n" : null).text(v => v);
  return data.dead_letter_reasons.length;
}

header();
const drawn = {bars: timeline(), ...map(), people: topList("people"), organisations: topList("organisations"),
  top_places: topList("top_places"), ...network(), dead_letter_rows: deadLetters()};
document.body.dataset.drawn = JSON.stringify(drawn);
