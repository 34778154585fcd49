#!/usr/bin/env python3
# Vendored from the shared bench folder (/work/shared/bench/gen_corpus.py); must stay byte-identical in behaviour (same corpus for the same arguments).
"""Deterministic synthetic corpus of operations process documentation.

    python3 gen_corpus.py --pages N --out DIR --flavor {hugo,zola,mdbook,plain,opsbook}
                          [--seed 20260701] [--sections 20] [--nav {section-pages,sections}]

Every page is 600-900 words of ops-runbook prose: TOML front matter (title,
description, tags, owner), H2/H3 headings, bullet + numbered lists, one GFM
table, one fenced code block and 3-6 links to other pages of the corpus.
Pages are spread round-robin over --sections folders (default 20), each with
a section index page.  The content of page i depends only on (seed, i) and
its link targets only on (seed, i, N), so the corpus is byte-identical across
runs and machines (Python's random.Random with integer seeds is stable).

Flavors (all write the same text; only layout / link syntax / config differ):
  hugo   : DIR/hugo.toml, DIR/content/<sec>/_index.md + pages, DIR/layouts/
           (baseof + single + list + nav partial).  Links: /<sec>/<slug>/
  zola   : DIR/config.toml, DIR/content/..., DIR/templates/ (base, index,
           section, page + macros.html nav macro). Links: @/<sec>/<slug>.md
           (checked by zola at build time).  owner/tags go in [extra].
           --hugo-cache-nav: hugo nav via partialCached keyed by .Section.
  mdbook : DIR/book.toml (default theme, built-in search on), DIR/src/SUMMARY.md,
           DIR/src/<sec>/README.md + pages. No front matter (mdBook has none):
           title becomes the H1 and owner/tags a metadata line.
           Links: ../<sec>/<slug>.md
  opsbook: DIR/opsbook.toml, DIR/content/<sec>/_index.md + pages with TOML
           front matter incl. owner, reviewed, kind = "process".
           Links: relative ../<sec>/<slug>.md
  plain  : DIR/<sec>/_index.md + pages with +++ TOML front matter and
           relative ../<sec>/<slug>.md links (no config; input for new tools).

--nav section-pages (default): every page's nav lists the top-level sections
AND every page of its own section (what docs themes do; O(section size) per
page).  --nav sections: nav lists only the top-level sections (O(1) per page).
mdBook ignores --nav: its default theme renders the whole TOC once (toc.js).
"""
import argparse
import os
import random
import shutil
import sys

# --------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------
SECTIONS = [
    ("incident-response", "Incident Response"),
    ("change-management", "Change Management"),
    ("access-control", "Access Control"),
    ("backup-and-restore", "Backup and Restore"),
    ("on-call", "On-Call"),
    ("deployments", "Deployments"),
    ("capacity-planning", "Capacity Planning"),
    ("security-patching", "Security Patching"),
    ("onboarding", "Onboarding and Offboarding"),
    ("vendor-management", "Vendor Management"),
    ("monitoring-alerting", "Monitoring and Alerting"),
    ("database-operations", "Database Operations"),
    ("network-operations", "Network Operations"),
    ("disaster-recovery", "Disaster Recovery"),
    ("release-management", "Release Management"),
    ("cost-management", "Cost Management"),
    ("compliance-audits", "Compliance and Audits"),
    ("support-escalation", "Support Escalation"),
    ("data-retention", "Data Retention"),
    ("provisioning", "Infrastructure Provisioning"),
    ("certificates", "Certificates and Secrets"),
    ("storage", "Storage Operations"),
    ("identity", "Identity and SSO"),
    ("observability", "Observability Pipelines"),
]

ACTIONS = [
    "Rotate", "Restore", "Provision", "Decommission", "Fail over", "Patch",
    "Audit", "Escalate", "Scale", "Migrate", "Renew", "Revoke", "Verify",
    "Drain", "Rebuild", "Archive", "Approve", "Triage", "Roll back", "Upgrade",
    "Reindex", "Quarantine", "Onboard", "Offboard", "Benchmark", "Snapshot",
]
OBJECTS = [
    "TLS certificates", "database replicas", "Kubernetes nodes", "VPN gateways",
    "API keys", "service accounts", "backup snapshots", "DNS zones",
    "load balancers", "message queues", "object storage buckets", "CI runners",
    "build caches", "firewall rules", "SSO integrations", "log pipelines",
    "metrics retention", "on-call schedules", "vendor contracts", "edge caches",
    "search clusters", "secrets vault", "container registries", "batch jobs",
    "customer exports", "audit trails", "cron schedules", "feature flags",
]
SERVICES = [
    "payments-api", "checkout", "billing-worker", "identity-service",
    "search-indexer", "notifications", "ledger", "reporting", "edge-proxy",
    "inventory", "pricing-engine", "data-warehouse", "mobile-gateway",
    "fraud-scoring", "email-relay", "auth-broker", "catalog", "scheduler",
    "telemetry-collector", "webhooks", "kafka-cluster", "postgres-main",
    "redis-sessions", "cdn-origin",
]
TEAMS = [
    "sre-core", "platform", "database-reliability", "network-eng", "security-ops",
    "infra-finance", "release-eng", "support-tier2", "identity-team",
    "data-platform", "compliance", "observability",
]
TAGS = [
    "runbook", "sev1", "sev2", "quarterly", "manual", "automated", "pci",
    "soc2", "gdpr", "kubernetes", "postgres", "aws", "gcp", "terraform",
    "ansible", "networking", "security", "cost", "customer-impact", "checklist",
    "on-call", "change-freeze", "maintenance-window", "dr-test",
]
ROLES = [
    "Incident commander", "Primary on-call", "Secondary on-call", "Service owner",
    "Change approver", "Security reviewer", "Database owner", "Communications lead",
    "Vendor liaison", "Scribe",
]
CHANNELS = ["#ops-bridge", "#incidents", "#change-review", "#sre", "#security",
            "pager", "email", "status page", "#db-ops", "#net-ops"]

SUBJECTS = [
    "the on-call engineer", "the service owner", "the change approver",
    "the incident commander", "the automation", "the release pipeline",
    "the database owner", "the reviewer", "the primary responder",
    "the platform team", "the requester", "the scheduler",
]
VERBS = [
    "confirms", "records", "verifies", "checks", "updates", "reviews",
    "monitors", "documents", "escalates", "validates", "compares", "announces",
    "schedules", "rolls back", "approves", "collects", "inspects", "tags",
]
THINGS = [
    "the current replication lag", "the error budget burn rate", "the ticket",
    "the rollback plan", "the maintenance window", "the dashboard links",
    "the affected customer list", "the runbook revision", "the alert history",
    "the capacity forecast", "the backup checksum", "the certificate expiry",
    "the deployment manifest", "the access request", "the audit evidence",
    "the status page entry", "the change calendar", "the load balancer weights",
    "the queue depth", "the p99 latency", "the disk usage trend",
    "the feature flag state", "the vendor ticket", "the postmortem draft",
]
TAILS = [
    "before any traffic is shifted", "within fifteen minutes of the page",
    "and links it in the incident channel", "using the standard template",
    "so that the next shift has full context", "against the last known good state",
    "for every region in scope", "before closing the change request",
    "and attaches the output to the ticket", "while the freeze is in effect",
    "after the health checks turn green", "if the threshold is exceeded",
    "according to the retention policy", "with a second person watching",
    "in the shared operations log", "unless the service owner objects",
]
CONNECTORS = ["Then", "Next", "Afterwards", "In parallel", "If needed",
              "Once that is done", "At this point", "Meanwhile", "Finally",
              "As a rule", "In most cases", "Where possible"]
STEP_TITLES = [
    "Announce the work", "Check preconditions", "Take a snapshot",
    "Drain traffic", "Apply the change", "Run health checks",
    "Restore traffic", "Verify with the owner", "Clean up", "Record the outcome",
    "Page the secondary", "Freeze deployments", "Collect evidence",
    "Rotate credentials", "Validate monitoring", "Hand over",
]
LANGS = ["bash", "yaml", "sql", "toml", "console"]


def words(s):
    return len(s.split())


def sentence(rng):
    s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(TAILS)}"
    if rng.random() < 0.4:
        s = f"{rng.choice(CONNECTORS)}, {s}"
    s = s[0].upper() + s[1:]
    if rng.random() < 0.25:
        s += f", and {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(THINGS)}"
    return s + "."


def paragraph(rng, lo=3, hi=6, extra=None):
    sents = [sentence(rng) for _ in range(rng.randint(lo, hi))]
    if extra:
        sents.insert(rng.randint(0, len(sents)), extra)
    return " ".join(sents)


def code_block(rng, service, team):
    lang = rng.choice(LANGS)
    if lang == "bash":
        body = (f"#!/usr/bin/env bash\nset -euo pipefail\n"
                f"kubectl -n {service} get pods -o wide\n"
                f"kubectl -n {service} rollout status deploy/{service} --timeout=300s\n"
                f"curl -fsS https://{service}.internal/healthz | jq .status\n"
                f"opsctl ticket comment --team {team} --msg \"health checks passed\"")
    elif lang == "yaml":
        body = (f"service: {service}\nowner: {team}\nwindow:\n  start: \"02:00\"\n"
                f"  duration_minutes: {rng.choice([30, 45, 60, 90])}\nrollback:\n"
                f"  automatic: {rng.choice(['true', 'false'])}\n  max_error_rate: 0.0{rng.randint(1, 9)}\n"
                f"notify:\n  - {rng.choice(CHANNELS)}\n  - {rng.choice(CHANNELS)}")
    elif lang == "sql":
        body = (f"-- check replication before {service} maintenance\n"
                f"SELECT client_addr, state, sent_lsn, replay_lsn,\n"
                f"       now() - pg_last_xact_replay_timestamp() AS lag\n"
                f"FROM pg_stat_replication\nWHERE application_name = '{service}';")
    elif lang == "toml":
        body = (f"[maintenance]\nservice = \"{service}\"\nowner = \"{team}\"\n"
                f"approvals = {rng.randint(1, 3)}\nfreeze = {rng.choice(['true', 'false'])}\n\n"
                f"[alerts]\npage_after_minutes = {rng.choice([5, 10, 15])}\nchannel = \"{rng.choice(CHANNELS)}\"")
    else:
        body = (f"$ opsctl status {service}\nSERVICE        REGION     HEALTH   VERSION\n"
                f"{service:<14} eu-west-1  ok       v{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}\n"
                f"{service:<14} us-east-1  ok       v{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}")
    return f"```{lang}\n{body}\n```"


def table(rng):
    rows = ["| Role | Who | Channel | Response time |", "| --- | --- | --- | --- |"]
    for role in rng.sample(ROLES, rng.randint(4, 6)):
        rows.append(f"| {role} | {rng.choice(TEAMS)} | {rng.choice(CHANNELS)} | "
                    f"{rng.choice([5, 10, 15, 30, 60])} min |")
    return "\n".join(rows)


# --------------------------------------------------------------------------
# corpus model
# --------------------------------------------------------------------------
class Page:
    __slots__ = ("i", "sec", "k", "slug", "title", "desc", "tags", "owner",
                 "service")


def plan(n, nsec, seed):
    secs = SECTIONS[:nsec]
    pages = []
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        p = Page()
        p.i = i
        p.sec = secs[i % nsec][0]
        p.k = i // nsec
        action = rng.choice(ACTIONS)
        obj = rng.choice(OBJECTS)
        p.service = rng.choice(SERVICES)
        p.title = f"{action} {obj} for {p.service} ({i:05d})"
        p.slug = f"{action}-{obj}-{p.service}-{i:05d}".lower().replace(" ", "-")
        p.desc = (f"How to {action.lower()} {obj} for {p.service}: preconditions, "
                  f"step-by-step procedure, escalation contacts and verification.")
        p.tags = rng.sample(TAGS, rng.randint(2, 4))
        p.owner = rng.choice(TEAMS)
        pages.append(p)
    return secs, pages


def body_markdown(p, pages, seed, link):
    """Markdown body (no front matter, no H1). `link(target)` -> URL string."""
    n = len(pages)
    rng = random.Random(seed * 7_000_003 + p.i)
    target_words = rng.randint(600, 900)
    nlinks = rng.randint(3, 6)
    targets = []
    while len(targets) < min(nlinks, n - 1):
        t = pages[rng.randrange(n)]
        if t.i != p.i and t not in targets:
            targets.append(t)
    mk = lambda t: f"[{t.title}]({link(p, t)})"
    inline = targets[: max(1, len(targets) // 2)]
    related = targets[len(inline):]

    out = []
    out.append(paragraph(rng, 2, 3, extra=f"See {mk(inline[0])} for the related procedure."))
    out.append("## Purpose")
    out.append(paragraph(rng, 2, 3))
    out.append("## Scope")
    out.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 5))))
    out.append("## Prerequisites")
    pre = [f"- Access to `{p.service}` production dashboards",
           f"- Membership in the `{p.owner}` on-call rotation",
           f"- An approved change ticket (see {mk(inline[1]) if len(inline) > 1 else 'the change calendar'})"]
    pre += [f"- {sentence(rng)}" for _ in range(rng.randint(1, 2))]
    out.append("\n".join(pre))
    out.append("## Procedure")
    steps = rng.sample(STEP_TITLES, 3)
    for si, st in enumerate(steps, 1):
        out.append(f"### Step {si}: {st}")
        out.append(paragraph(rng, 1, 3))
        out.append("\n".join(f"{j}. {sentence(rng)}" for j in range(1, rng.randint(2, 4) + 1)))
    out.append("## Escalation contacts")
    out.append(paragraph(rng, 1, 2))
    out.append(table(rng))
    out.append("## Verification")
    out.append(paragraph(rng, 1, 3))
    out.append(code_block(rng, p.service, p.owner))
    for extra in inline[2:]:
        out.append(paragraph(rng, 1, 2, extra=f"Compare with {mk(extra)}."))
    # pad with notes until the word target is reached
    cur = sum(words(x) for x in out)
    if cur < target_words:
        out.append("## Notes")
        while cur < target_words:
            para = paragraph(rng, 2, 4)
            out.append(para)
            cur += words(para)
    out.append("## Related procedures")
    rel = related if related else targets[:1]
    out.append("\n".join(f"- {mk(t)}" for t in rel))
    return "\n\n".join(out) + "\n"


def section_intro(sec_title, seed, si):
    rng = random.Random(seed * 13 + si)
    return (f"This section collects every {sec_title.lower()} process. "
            + paragraph(rng, 3, 4) + "\n")


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(xs):
    return "[" + ", ".join(toml_str(x) for x in xs) + "]"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --------------------------------------------------------------------------
# flavors
# --------------------------------------------------------------------------
HUGO_CONFIG = """baseURL = "http://localhost/"
title = "Ops Handbook"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false
[taxonomies]
[markup.highlight]
  codeFences = false
[markup.goldmark.renderer]
  unsafe = false
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ site.Title }}</title>
<meta name="description" content="{{ .Description }}">
</head>
<body>
{{ partial "nav.html" . }}
<main data-pagefind-body>
{{ block "main" . }}{{ end }}
</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
"""
HUGO_SINGLE = """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p class="meta">Owner: {{ .Params.owner }} · Tags: {{ delimit .Params.tags ", " }}</p>
{{ .Content }}
</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul class="listing">
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> — {{ .Description }}</li>
{{ end }}</ul>{{ end }}
"""
HUGO_NAV_FULL = """<nav>
<ul class="sections">
{{ range site.Home.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ with .CurrentSection }}{{ if not .IsHome }}<ul class="pages">
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}{{ end }}
</nav>
"""
HUGO_NAV_SECTIONS = """<nav>
<ul class="sections">
{{ range site.Home.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
</nav>
"""

ZOLA_CONFIG = """base_url = "http://localhost"
title = "Ops Handbook"
compile_sass = false
build_search_index = false
generate_feeds = false
generate_sitemap = false
generate_robots_txt = false

[markdown]
# no [markdown.highlighting] table => no server-side syntax highlighting (same as the hugo flavor)

[extra]
"""
ZOLA_BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<meta name="description" content="{% block description %}{% endblock description %}">
</head>
<body>
{% block nav %}{% endblock nav %}
<main data-pagefind-body>
{% block content %}{% endblock content %}
</main>
<footer>{{ config.title }}</footer>
</body>
</html>
"""
ZOLA_MACROS_FULL = """{% macro nav(section_path) %}<nav>
<ul class="sections">
{% set root = get_section(path="_index.md", metadata_only=true) %}{% for s in root.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.path | safe }}">{{ sub.title }}</a></li>
{% endfor %}</ul>
{% if section_path != "_index.md" %}{% set cur = get_section(path=section_path) %}<ul class="pages">
{% for p in cur.pages %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>
{% endfor %}</ul>{% endif %}
</nav>{% endmacro nav %}
"""
ZOLA_MACROS_SECTIONS = """{% macro nav(section_path) %}<nav>
<ul class="sections">
{% set root = get_section(path="_index.md", metadata_only=true) %}{% for s in root.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.path | safe }}">{{ sub.title }}</a></li>
{% endfor %}</ul>
</nav>{% endmacro nav %}
"""
ZOLA_PAGE = """{% extends "base.html" %}
{% import "macros.html" as macros %}
{% block title %}{{ page.title }} | {{ config.title }}{% endblock title %}
{% block description %}{{ page.description }}{% endblock description %}
{% block nav %}{{ macros::nav(section_path=page.ancestors | last) }}{% endblock nav %}
{% block content %}<article>
<h1>{{ page.title }}</h1>
<p class="meta">Owner: {{ page.extra.owner }} · Tags: {{ page.extra.tags | join(sep=", ") }}</p>
{{ page.content | safe }}
</article>{% endblock content %}
"""
ZOLA_SECTION = """{% extends "base.html" %}
{% import "macros.html" as macros %}
{% block title %}{{ section.title }} | {{ config.title }}{% endblock title %}
{% block description %}{{ section.description }}{% endblock description %}
{% block nav %}{{ macros::nav(section_path=section.relative_path) }}{% endblock nav %}
{% block content %}<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul class="listing">
{% for p in section.pages %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a> — {{ p.description }}</li>
{% endfor %}</ul>{% endblock content %}
"""
ZOLA_INDEX = """{% extends "base.html" %}
{% import "macros.html" as macros %}
{% block title %}{{ section.title }} | {{ config.title }}{% endblock title %}
{% block description %}{{ section.description }}{% endblock description %}
{% block nav %}{{ macros::nav(section_path="_index.md") }}{% endblock nav %}
{% block content %}<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul class="listing">
{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.path | safe }}">{{ sub.title }}</a> — {{ sub.description }}</li>
{% endfor %}</ul>{% endblock content %}
"""

MDBOOK_TOML = """[book]
title = "Ops Handbook"
authors = ["Ops"]
language = "en"
src = "src"

[output.html]

[output.html.search]
enable = true
"""


def gen(args):
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    secs, pages = plan(args.pages, args.sections, args.seed)
    sec_title = dict(secs)
    by_sec = {s: [] for s, _ in secs}
    for p in pages:
        by_sec[p.sec].append(p)
    fl = args.flavor
    home_intro = ("Operations process documentation: runbooks, checklists and "
                  "escalation paths for every team.\n")

    if fl == "hugo":
        croot = os.path.join(out, "content")
        link = lambda src, t: f"/{t.sec}/{t.slug}/"
        write(os.path.join(out, "hugo.toml"), HUGO_CONFIG)
        write(os.path.join(out, "layouts/_default/baseof.html"),
              HUGO_BASEOF.replace('{{ partial "nav.html" . }}', '{{ partialCached "nav.html" . .Section }}')
              if args.hugo_cache_nav else HUGO_BASEOF)
        write(os.path.join(out, "layouts/_default/single.html"), HUGO_SINGLE)
        write(os.path.join(out, "layouts/_default/list.html"), HUGO_LIST)
        write(os.path.join(out, "layouts/partials/nav.html"),
              HUGO_NAV_FULL if args.nav == "section-pages" else HUGO_NAV_SECTIONS)
        write(os.path.join(croot, "_index.md"),
              f'+++\ntitle = "Ops Handbook"\ndescription = "All processes"\n+++\n\n{home_intro}')
    elif fl == "zola":
        croot = os.path.join(out, "content")
        link = lambda src, t: f"@/{t.sec}/{t.slug}.md"
        write(os.path.join(out, "config.toml"), ZOLA_CONFIG)
        write(os.path.join(out, "templates/base.html"), ZOLA_BASE)
        write(os.path.join(out, "templates/macros.html"),
              ZOLA_MACROS_FULL if args.nav == "section-pages" else ZOLA_MACROS_SECTIONS)
        write(os.path.join(out, "templates/page.html"), ZOLA_PAGE)
        write(os.path.join(out, "templates/section.html"), ZOLA_SECTION)
        write(os.path.join(out, "templates/index.html"), ZOLA_INDEX)
        write(os.path.join(croot, "_index.md"),
              f'+++\ntitle = "Ops Handbook"\ndescription = "All processes"\n+++\n\n{home_intro}')
    elif fl == "mdbook":
        croot = os.path.join(out, "src")
        link = lambda src, t: f"../{t.sec}/{t.slug}.md"
        write(os.path.join(out, "book.toml"), MDBOOK_TOML)
        write(os.path.join(croot, "README.md"), f"# Ops Handbook\n\n{home_intro}")
    elif fl == "opsbook":
        croot = os.path.join(out, "content")
        link = lambda src, t: f"../{t.sec}/{t.slug}.md"
        write(os.path.join(out, "opsbook.toml"), 'title = "Ops Handbook"\nbase_url = "/"\n')
        write(os.path.join(croot, "_index.md"),
              f'+++\ntitle = "Ops Handbook"\ndescription = "All processes"\n+++\n\n{home_intro}')
    elif fl == "plain":
        croot = out
        link = lambda src, t: f"../{t.sec}/{t.slug}.md"
        write(os.path.join(croot, "_index.md"),
              f'+++\ntitle = "Ops Handbook"\ndescription = "All processes"\n+++\n\n{home_intro}')
    else:
        sys.exit(f"unknown flavor {fl}")

    summary = ["# Summary", "", "[Introduction](README.md)", ""]
    for si, (sec, title) in enumerate(secs):
        intro = section_intro(title, args.seed, si)
        sdesc = f"{title} processes"
        if fl == "mdbook":
            write(os.path.join(croot, sec, "README.md"), f"# {title}\n\n{intro}")
            summary.append(f"- [{title}]({sec}/README.md)")
        elif fl == "zola":
            write(os.path.join(croot, sec, "_index.md"),
                  f'+++\ntitle = {toml_str(title)}\ndescription = {toml_str(sdesc)}\n'
                  f'sort_by = "weight"\nweight = {si + 1}\n+++\n\n{intro}')
        else:
            write(os.path.join(croot, sec, "_index.md"),
                  f'+++\ntitle = {toml_str(title)}\ndescription = {toml_str(sdesc)}\n'
                  f'weight = {si + 1}\n+++\n\n{intro}')
        for p in by_sec[sec]:
            body = body_markdown(p, pages, args.seed, link)
            path = os.path.join(croot, sec, p.slug + ".md")
            if fl == "mdbook":
                text = (f"# {p.title}\n\n*Owner: {p.owner} · Tags: {', '.join(p.tags)}*\n\n"
                        f"> {p.desc}\n\n{body}")
                summary.append(f"  - [{p.title}]({sec}/{p.slug}.md)")
            elif fl == "opsbook":
                text = (f"+++\ntitle = {toml_str(p.title)}\ndescription = {toml_str(p.desc)}\n"
                        f"tags = {toml_list(p.tags)}\nowner = {toml_str(p.owner)}\n"
                        f"reviewed = 2026-0{1 + p.k % 9}-1{p.k % 10}\nkind = \"process\"\n"
                        f"weight = {p.k + 1}\n+++\n\n{body}")
            elif fl == "zola":
                text = (f"+++\ntitle = {toml_str(p.title)}\ndescription = {toml_str(p.desc)}\n"
                        f"weight = {p.k + 1}\n\n[extra]\nowner = {toml_str(p.owner)}\n"
                        f"tags = {toml_list(p.tags)}\n+++\n\n{body}")
            else:
                text = (f"+++\ntitle = {toml_str(p.title)}\ndescription = {toml_str(p.desc)}\n"
                        f"tags = {toml_list(p.tags)}\nowner = {toml_str(p.owner)}\n"
                        f"weight = {p.k + 1}\n+++\n\n{body}")
            write(path, text)
    if fl == "mdbook":
        write(os.path.join(croot, "SUMMARY.md"), "\n".join(summary) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--flavor", choices=["hugo", "zola", "mdbook", "plain", "opsbook"], required=True)
    ap.add_argument("--seed", type=int, default=20260701)
    ap.add_argument("--sections", type=int, default=20)
    ap.add_argument("--nav", choices=["section-pages", "sections"], default="section-pages")
    ap.add_argument("--hugo-cache-nav", action="store_true",
                    help="hugo flavor: render the nav with partialCached keyed by section "
                         "(one nav render per section instead of per page)")
    args = ap.parse_args()
    if not 1 <= args.sections <= len(SECTIONS):
        sys.exit(f"--sections must be 1..{len(SECTIONS)}")
    if args.pages < 2:
        sys.exit("--pages must be >= 2")
    gen(args)


if __name__ == "__main__":
    main()
