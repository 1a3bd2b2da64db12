package cidref

// Rule ids of the findings about cid: references, shared by the builder's Findings and lint's
// preflight.CheckReferences so both name a problem the same way.
const (
	// RuleMissing: the HTML references cid:ID and no part has that Content-ID.
	RuleMissing = "cid-missing"
	// RuleUnreferenced: an inline part whose Content-ID the HTML never references.
	RuleUnreferenced = "cid-unreferenced"
)
