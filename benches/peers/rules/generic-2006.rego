# The generic-2006 grading in Rego (see src/lib.rs for what it covers). data.defs is the indicator
# table, data.questions the key areas of each question. A grade is a level 1 (unsatisfactory) to
# 6 (excellent), 0 awaiting judgement, -1 absent.
package sixpoint

levels := ["unsatisfactory", "weak", "adequate", "good", "very_good", "excellent"]

weight_value(w) := 3 if w == "major"
else := 2 if w == "important"
else := 1

counts(d, ind) := c if {
	items := object.get(ind, "evidence", [])
	views := [it | some it in items; it.source == "stakeholder_views"]
	heard := [it | some it in views; d.heard in object.get(it, "tags", [])]
	kinds := {it.source | some it in items}
	s := [weight_value(it.weight) | some it in items; it.finding == "strength"]
	w := [weight_value(it.weight) | some it in items; it.finding == "weakness"]
	themes := {t | some it in items; some t in object.get(it, "themes", []); t in d.themes}
	ni := count([t |
		some it in items
		it.finding == "weakness"
		some t in {x | some x in object.get(it, "tags", [])}
		t in {"nurtured", "included"}
	])
	c := {
		"items": count(items), "sources": count(kinds), "views": count(views), "heard": count(heard),
		"s": count(s), "w": count(w), "ss": sum(s), "ws": sum(w),
		"s2": count([x | some x in s; x == 2]), "s3": count([x | some x in s; x == 3]),
		"w1": count([x | some x in w; x == 1]), "w2": count([x | some x in w; x == 2]),
		"w3": count([x | some x in w; x == 3]),
		"themes": count(themes), "ni": ni,
	}
}

# The library's grade rules, first match.
derived(c) := 0 if {
	c.s + c.w == 0
} else := 6 if {
	c.s3 >= 2
	c.w == 0
} else := 5 if {
	c.s3 >= 1
	c.w2 + c.w3 == 0
	c.w1 <= 1
} else := 4 if {
	c.s3 + c.s2 >= 1
	c.w3 == 0
	c.ss >= 2 * c.ws
} else := 3 if {
	c.ss > c.ws
	c.w3 == 0
} else := 1 if {
	c.w3 >= 1
	c.ws > c.ss
} else := 2 if {
	c.w2 >= 1
	c.ws > c.ss
} else := 0

unheard(c, d) if {
	d.heard != null
	c.views > 0
	c.heard == 0
}

must_cap(c, d) if c.sources < 2
must_cap(c, d) if {
	d.impact
	c.views == 0
}
must_cap(c, d) if unheard(c, d)

triangulated(c) if {
	c.items >= 3
	c.sources >= 2
	c.views >= 1
}

insecure(c, d) if must_cap(c, d)
insecure(c, d) if not triangulated(c)
insecure(c, d) if {
	d.impact
	c.themes != count(d.themes)
}

capped(g, c, d) := 3 if {
	g > 3
	must_cap(c, d)
} else := g

secure(g, c, d) := true if {
	g != 0
	not insecure(c, d)
} else := false

indicator(d) := {"g": g, "secure": secure(g, c, d), "ni": c.ni} if {
	ind := input.indicators[d.id]
	c := counts(d, ind)
	g := capped(derived(c), c, d)
} else := {"g": -1, "secure": false, "ni": 0}

inds := [indicator(d) | some d in data.defs]

first(d) if d.area in {1, 2, 9}

good_and_secure(k, d) if not first(d)
good_and_secure(k, d) if {
	inds[k].g >= 4
	inds[k].secure
}

# Areas 3 to 8 are skipped when every indicator of 1, 2 and 9 is good or better and secure.
skip if {
	every k, d in data.defs {
		good_and_secure(k, d)
	}
}

skipped_area(a) if {
	skip
	a >= 3
	a <= 8
}

looked(k, d) := -1 if skipped_area(d.area) else := inds[k].g

looked_nurture := sum([inds[k].ni | some k, d in data.defs; not skipped_area(d.area)])

low(k, d) if {
	g := looked(k, d)
	g >= 1
	g <= 3
}

triggered contains id if {
	looked_nurture >= 1
	some id in ["7.2", "5.1", "6.2"]
}

triggered contains id if {
	some k, d in data.defs
	d.area == 1
	low(k, d)
	some id in ["5.2", "5.3", "6.3"]
}

triggered contains id if {
	some k, d in data.defs
	d.id in {"2.2", "3.1", "4.1"}
	low(k, d)
	some id in ["5.2", "6.2", "8.4"]
}

triggered contains id if {
	some k, d in data.defs
	d.id == "2.1"
	low(k, d)
	looked_nurture == 0
	some id in ["5.2", "6.2", "8.4"]
}

triggered contains id if {
	some k, d in data.defs
	d.area == 9
	low(k, d)
	some id in ["6.1", "7.1", "8.1"]
}

scope(d) := "triggered" if d.id in triggered
else := "skipped" if skipped_area(d.area)
else := "first" if first(d)
else := "in_scope"

final(k, d) := -1 if scope(d) == "skipped" else := inds[k].g

# A skipped indicator is not graded, so not secure either.
shown_secure(k, d) := true if {
	final(k, d) > 0
	inds[k].secure
} else := false

kids(a) := [final(k, d) | some k, d in data.defs; d.area == a]

# Key areas: the lower median; a child awaiting judgement leaves the area awaiting it.
area_grade(a) := 0 if {
	some g in kids(a)
	g == 0
} else := m if {
	ranks := sort([g | some g in kids(a); g > 0])
	count(ranks) > 0
	m := ranks[floor((count(ranks) - 1) / 2)]
} else := -1

area_grades := [area_grade(a) | some a in numbers.range(1, 10)]

# Questions: the lowest of their key areas.
question_grade(q) := 0 if {
	some a in q.areas
	area_grades[a - 1] == 0
} else := min(gs) if {
	gs := [g | some a in q.areas; g := area_grades[a - 1]; g > 0]
	count(gs) > 0
} else := -1

node(g) := {"grade": levels[g - 1], "judgement": false} if g > 0 else := {"grade": null, "judgement": g == 0}

report := {
	"indicators": {d.id: object.union(node(final(k, d)), {"scope": scope(d), "secure": shown_secure(k, d)}) |
		some k, d in data.defs
	},
	"areas": {format_int(a, 10): node(area_grades[a - 1]) | some a in numbers.range(1, 10)},
	"questions": {q.id: node(question_grade(q)) | some q in data.questions},
}
