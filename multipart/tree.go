package multipart

import (
	"bytes"
	crand "crypto/rand"
	"encoding/base32"
	"io"
)

// Param is one Content-Type or Content-Disposition parameter. Values may be Unicode; they are written
// with RFC 2231 extended syntax (name*=utf-8, two apostrophes, percent-encoded octets) when they are
// not plain ASCII tokens or quoted-strings.
type Param struct{ Name, Value string }

// Field is an extra header field of a part. Names must be printable ASCII without ':'; values are
// written as unstructured text (encoded words where needed). CR, LF and NUL are rejected.
type Field struct{ Name, Value string }

// Part is a node of a MIME tree: a leaf with a body (Data or Reader), or a container (ContentType
// "multipart/...") with Parts. Parts are not modified by this package.
type Part struct {
	// ContentType is the media type without parameters, e.g. "text/plain", "image/png",
	// "multipart/alternative". Empty means "text/plain" for a leaf.
	ContentType string
	// Params are extra Content-Type parameters. For text/* leaves charset=utf-8 is added unless given.
	// "boundary" is reserved (the Writer assigns it).
	Params []Param
	// Encoding is the Content-Transfer-Encoding; Auto (zero) chooses by content.
	Encoding Encoding
	// Disposition is "", "inline" or "attachment".
	Disposition string
	// Filename (Unicode allowed) goes in Content-Disposition as filename (RFC 2231 filename*= when
	// needed) and in Content-Type as name= (RFC 2047 encoded word for clients that only read that).
	Filename string
	// ContentID without angle brackets, for multipart/related references (cid:...).
	ContentID string
	// Header holds extra part header fields, written after the standard ones.
	Header []Field

	// Data is an in-memory body. Exactly one of Data and Reader is used for a leaf (Reader wins if set).
	Data []byte
	// Reader streams the body; it is read once, with fixed buffers, when the tree is written.
	Reader io.Reader
	// Size is the number of bytes Reader yields, when known (0 = unknown). A known size makes the
	// encoded size known in advance; a Reader that yields a different count is ErrSizeMismatch.
	Size int64

	// Parts are the children of a multipart container.
	Parts []*Part
}

// Tree is a validated part tree with encodings chosen and boundaries assigned, ready to be written.
// It refers to the Parts it was made from; it is not safe for concurrent writes. Part.Data must not
// change while the Tree is in use: NewTree computes the encoded sizes from it.
type Tree struct {
	root  *Part
	nodes []node // pre-order; nodes[0] is root; nil for a tree of one leaf, kept in one
	hdr   []byte // rendered MIME header fields of every node; nil when in oneHdr
	// A tree of one leaf (the usual body of a message) keeps its node in one and, when they fit,
	// its header fields in oneHdr[:oneLen]: it then points nowhere into itself, so NewTree
	// allocates nothing else for it, and a caller that keeps the tree to itself (makes it and
	// writes it) can hold it on its stack, allocating nothing.
	one    [1]node
	oneHdr [leafHdrSize]byte
	oneLen uint8
}

// list returns the nodes of t, in pre-order.
func (t *Tree) list() []node {
	if t.nodes == nil {
		return t.one[:]
	}
	return t.nodes
}

// header returns the rendered header fields of every node of t (node.hdrStart to hdrEnd).
func (t *Tree) header() []byte {
	if t.hdr == nil {
		return t.oneHdr[:t.oneLen]
	}
	return t.hdr
}

// leafHdrSize holds what appendSimpleLeafHeader writes for a leaf (a Content-Type of at most
// simpleTypeMax octets with charset, and Content-Transfer-Encoding): at most 124 octets, 86 for
// text/plain in quoted-printable.
const leafHdrSize = 128

const maxDepth = 32 // nesting limit for containers; deeper trees are ErrInvalidPart

// node is one Part of a Tree, in pre-order.
type node struct {
	p        *Part
	enc      Encoding // never Auto after NewTree; containers: SevenBit or EightBit
	leaf     bool
	crlf     bool  // text/* in-memory body: bare LF is written as CRLF
	addCR    bool  // crlf and the body has a bare LF, so the written octets differ from Data
	noEq     bool  // a quoted-printable body in memory without '=' (see dataScan)
	noDEL    bool  // a quoted-printable body in memory without DEL
	size     int64 // encoded body size of a leaf (terminator included), -1 when unknown
	term     bool  // a root leaf whose encoded body would not end in CRLF: CRLF is appended
	first    int   // first child, -1 for none
	next     int   // next sibling, -1 for none
	boundary string
	bStart   int // boundary position while NewTree builds them
	bEnd     int
	depth    int
	hdrStart int // header bytes in Tree.hdr
	hdrEnd   int
}

type treeState struct {
	t    *Tree
	one  bool           // the tree is one leaf, kept in t.one
	seen map[*Part]bool // used only for trees too large for a linear duplicate scan
}

// countParts counts the parts of the tree at p, giving up (returning a number above budget) when
// the tree is larger than budget or deeper than maxDepth, as a cyclic one is.
func countParts(p *Part, depth, budget int) int {
	if p == nil || depth > maxDepth {
		return 1
	}
	n := 1
	for _, c := range p.Parts {
		n += countParts(c, depth+1, budget-n)
		if n > budget {
			return n
		}
	}
	return n
}

// NewTree validates root, picks the encoding of every Auto leaf whose body is in memory, and assigns
// a boundary to every container, unique per nesting level and impossible inside encoded content.
// rnd supplies the boundaries' randomness (nil means crypto/rand); with a fixed rand the output is
// byte-identical from run to run.
func NewTree(root *Part, rnd io.Reader) (*Tree, error) {
	// Small enough to be inlined, so that the Tree is allocated in the caller (see Tree.one).
	t := new(Tree)
	if err := t.init(root, rnd); err != nil {
		return nil, err
	}
	return t, nil
}

// init is NewTree's work on a zero Tree.
func (t *Tree) init(root *Part, rnd io.Reader) error {
	if root == nil {
		return newErr(ErrInvalidPart, "nil root part")
	}
	if rnd == nil {
		rnd = crand.Reader
	}
	const maxPresize = 1024
	count := countParts(root, 0, maxPresize)
	if count > maxPresize {
		count = maxPresize
	}
	if count > 1 {
		t.nodes = make([]node, 0, count)
	}
	t.root = root
	st := treeState{t: t, one: count == 1}
	if _, err := st.add(root, 0); err != nil {
		return err
	}
	if st.one {
		// Header fields of a leaf with nothing but a short type go in oneHdr; others,
		// rendered by the emitter, in a buffer of their own (the emitter keeps its buffer
		// where the compiler must assume it escapes, so oneHdr is not given to it).
		n := &t.one[0]
		if ct := leafType(root); simpleLeaf(root, ct) {
			n.hdrEnd = len(appendSimpleLeafHeader(t.oneHdr[:0], ct, n.enc))
			t.oneLen = uint8(n.hdrEnd)
			return nil
		}
		var e emitter
		hdr, err := t.appendPartHeader(make([]byte, 0, 160+len(root.Filename)*4), n, &e)
		if err != nil {
			return err
		}
		t.hdr = hdr
		n.hdrEnd = len(hdr)
		return nil
	}
	// Boundaries, in pre-order, so a fixed random source gives fixed output. They are built in one
	// buffer, each preceded by "--" for the collision check, and become substrings of one string.
	containers := 0
	for i := range t.nodes {
		if !t.nodes[i].leaf {
			containers++
		}
	}
	var bbuf []byte
	if containers > 0 {
		var err error
		if bbuf, err = t.appendBoundaries(make([]byte, 0, containers*maxBoundaryLen), rnd); err != nil {
			return err
		}
	}
	all := string(bbuf)
	hdrSize := 0
	for i := range t.nodes {
		n := &t.nodes[i]
		if !n.leaf {
			n.boundary = all[n.bStart:n.bEnd]
		}
		hdrSize += 160 + len(n.p.Filename)*4
	}
	t.hdr = make([]byte, 0, hdrSize)
	var e emitter
	for i := range t.nodes {
		t.nodes[i].hdrStart = len(t.hdr)
		hdr, err := t.appendPartHeader(t.hdr, &t.nodes[i], &e)
		if err != nil {
			return err
		}
		t.hdr = hdr
		t.nodes[i].hdrEnd = len(t.hdr)
	}
	return nil
}

// appendBoundaries appends a boundary for every container to bbuf, in pre-order (so a fixed
// random source gives fixed output), each preceded by "--" for the collision check, and sets the
// containers' bStart and bEnd. It fails when the random source does, or keeps producing
// boundaries found in content.
func (t *Tree) appendBoundaries(bbuf []byte, rnd io.Reader) ([]byte, error) {
	var rb [15]byte
	seq := 0
	for i := range t.nodes {
		n := &t.nodes[i]
		if n.leaf {
			continue
		}
		for attempt := 0; ; attempt++ {
			if err := readFull(rnd, rb[:]); err != nil {
				return nil, &Error{Err: ErrInvalidPart, Detail: "reading random boundary", Cause: err}
			}
			start := len(bbuf)
			bbuf = appendBoundary(append(bbuf, '-', '-'), seq, rb[:])
			seq++
			if !t.boundaryInData(i, bbuf[start:]) {
				n.bStart, n.bEnd = start+2, len(bbuf)
				break
			}
			bbuf = bbuf[:start]
			if attempt == 16 {
				return nil, newErr(ErrInvalidPart, "random source keeps producing a boundary found in 7bit/8bit content")
			}
		}
	}
	return bbuf, nil
}

// readFull is io.ReadFull that fails with io.ErrNoProgress (wrapped) instead of looping forever when
// r returns (0, nil) maxEmptyReads times in a row.
func readFull(r io.Reader, p []byte) error {
	empty := 0
	for len(p) > 0 {
		n, err := r.Read(p)
		p = p[n:]
		switch {
		case len(p) == 0:
			return nil
		case err == io.EOF:
			return io.ErrUnexpectedEOF
		case err != nil:
			return err
		case n == 0:
			if empty++; empty >= maxEmptyReads {
				return io.ErrNoProgress
			}
		default:
			empty = 0
		}
	}
	return nil
}

const maxBoundaryLen = 2 + 2 + 20 + 1 + 24 // "--", "=_", sequence number, "_", base32 of 15 octets

// appendBoundary appends "=_" + seq + "_" + base32(random). "=_" cannot occur in quoted-printable or
// base64 output, and Auto picks 7bit only for content without "=_"; the sequence number makes every
// boundary of a tree distinct (none a prefix of another) whatever the random source returns.
func appendBoundary(dst []byte, seq int, rnd []byte) []byte {
	dst = append(dst, '=', '_')
	dst = appendDec(dst, seq)
	dst = append(dst, '_')
	n := len(dst)
	m := base32.StdEncoding.EncodedLen(len(rnd))
	for range m {
		dst = append(dst, 0)
	}
	base32.StdEncoding.Encode(dst[n:], rnd)
	return dst
}

// boundaryInData reports whether delim ("--" + boundary) occurs in an in-memory 7bit/8bit leaf
// under container i.
func (t *Tree) boundaryInData(i int, delim []byte) bool {
	for j := i + 1; j < len(t.nodes); j++ {
		n := &t.nodes[j]
		if n.depth <= t.nodes[i].depth {
			break // left the subtree of i (pre-order)
		}
		if n.leaf && (n.enc == SevenBit || n.enc == EightBit) && n.p.Reader == nil && bytes.Contains(n.p.Data, delim) {
			return true
		}
	}
	return false
}

// add validates p and appends it (and its subtree) to the node list, returning its index.
func (st *treeState) add(p *Part, depth int) (int, error) {
	t := st.t
	if p == nil {
		return 0, newErr(ErrInvalidPart, "nil part")
	}
	if depth > maxDepth {
		return 0, newErr(ErrInvalidPart, "nesting deeper than 32 levels")
	}
	// A part may appear only once: twice would read a Reader twice, and a cycle never ends.
	const linearScan = 64
	if len(t.nodes) == linearScan {
		st.seen = make(map[*Part]bool, 2*linearScan)
		for i := range t.nodes {
			st.seen[t.nodes[i].p] = true
		}
	}
	dup := false
	if st.seen != nil {
		dup = st.seen[p]
		st.seen[p] = true
	} else {
		for i := range t.nodes {
			dup = dup || t.nodes[i].p == p
		}
	}
	if dup {
		return 0, newErr(ErrInvalidPart, "part appears twice in the tree")
	}
	idx := len(t.nodes)
	if st.one {
		t.one[0] = node{p: p, first: -1, next: -1, depth: depth}
	} else {
		t.nodes = append(t.nodes, node{p: p, first: -1, next: -1, depth: depth})
	}
	ct := p.ContentType
	if ct == "" && len(p.Parts) == 0 {
		ct = "text/plain"
	}
	if err := checkMediaType(ct); err != nil {
		return 0, err
	}
	if err := checkPartFields(p); err != nil {
		return 0, err
	}
	if hasPrefixFold(ct, "multipart/") {
		switch {
		case len(p.Parts) == 0:
			return 0, newErr(ErrInvalidPart, "container "+quote(ct)+" without parts")
		case p.Data != nil || p.Reader != nil || p.Size != 0:
			return 0, newErr(ErrInvalidPart, "container "+quote(ct)+" with a body")
		case p.Encoding != Auto && p.Encoding != SevenBit && p.Encoding != EightBit:
			return 0, newErr(ErrInvalidPart, "container "+quote(ct)+" with encoding "+p.Encoding.String())
		case p.Filename != "":
			return 0, newErr(ErrInvalidPart, "container "+quote(ct)+" with a filename")
		}
		enc := SevenBit
		prev := -1
		for _, c := range p.Parts {
			ci, err := st.add(c, depth+1)
			if err != nil {
				return 0, err
			}
			if t.nodes[ci].enc == EightBit {
				enc = EightBit
			}
			if prev < 0 {
				t.nodes[idx].first = ci
			} else {
				t.nodes[prev].next = ci
			}
			prev = ci
		}
		if p.Encoding == SevenBit && enc == EightBit {
			return 0, newErr(ErrInvalidPart, "container "+quote(ct)+" is 7bit but holds 8bit parts")
		}
		t.nodes[idx].enc = enc
		return idx, nil
	}
	if len(p.Parts) > 0 {
		return 0, newErr(ErrInvalidPart, "leaf "+quote(ct)+" with parts (only multipart/* may have parts)")
	}
	n := &t.list()[idx]
	n.leaf = true
	if err := chooseEncoding(n, ct); err != nil {
		return 0, err
	}
	if depth == 0 {
		rootTerminator(n)
	}
	return idx, nil
}

func checkPartFields(p *Part) error {
	for i := range p.Params {
		pr := &p.Params[i]
		if err := checkParamName(pr.Name); err != nil {
			return err
		}
		if equalFold(pr.Name, "boundary") {
			return newErr(ErrInvalidPart, "the boundary parameter is reserved")
		}
		if p.Filename != "" && equalFold(pr.Name, "name") {
			return newErr(ErrInvalidPart, "parameter name= given together with Filename")
		}
		for j := 0; j < i; j++ {
			if equalFoldASCII(p.Params[j].Name, pr.Name) {
				return newErr(ErrInvalidPart, "duplicate parameter "+quote(pr.Name))
			}
		}
		if err := checkText(pr.Value, ErrInvalidPart); err != nil {
			return err
		}
	}
	switch {
	case p.Disposition == "", equalFold(p.Disposition, "inline"), equalFold(p.Disposition, "attachment"):
	default:
		return newErr(ErrInvalidPart, "disposition must be inline or attachment: "+quote(p.Disposition))
	}
	if err := checkText(p.Filename, ErrInvalidPart); err != nil {
		return &Error{Err: ErrInvalidPart, Detail: "filename holds CR, LF, NUL or invalid UTF-8: " + quote(p.Filename), Cause: ErrInvalidHeaderValue}
	}
	if p.ContentID != "" {
		if len(p.ContentID) > 250 {
			return newErr(ErrInvalidPart, "Content-ID longer than 250 octets")
		}
		for i := 0; i < len(p.ContentID); i++ {
			if class[p.ContentID[i]]&cCIDOK == 0 {
				return newErr(ErrInvalidPart, "Content-ID holds a character outside atext . @ [ ]: "+quote(p.ContentID))
			}
		}
	}
	if p.Size < 0 {
		return newErr(ErrInvalidPart, "negative Size")
	}
	if p.Reader == nil && p.Size != 0 && p.Size != int64(len(p.Data)) {
		return newErr(ErrSizeMismatch, "Size differs from len(Data)")
	}
	for i := range p.Header {
		f := &p.Header[i]
		if err := checkFieldName(f.Name); err != nil {
			return err
		}
		if len(f.Name) >= 2 && f.Name[0] == '-' && f.Name[1] == '-' {
			return newErr(ErrInvalidHeaderName, "a field name starting with -- could be read as a boundary: "+quote(f.Name))
		}
		switch {
		case equalFold(f.Name, "content-type"), equalFold(f.Name, "content-transfer-encoding"),
			equalFold(f.Name, "content-disposition"), equalFold(f.Name, "content-id"), equalFold(f.Name, "mime-version"):
			return newErr(ErrInvalidPart, "extra header field "+quote(f.Name)+" is written by this package")
		}
		if err := checkText(f.Value, ErrInvalidHeaderValue); err != nil {
			return err
		}
	}
	return nil
}

// appendPartHeader renders the MIME header fields of node n.
func (t *Tree) appendPartHeader(dst []byte, n *node, e *emitter) ([]byte, error) {
	ct := leafType(n.p)
	if n.leaf && simpleLeaf(n.p, ct) {
		return appendSimpleLeafHeader(dst, ct, n.enc), nil
	}
	return t.appendPartFields(dst, n, ct, e)
}

// leafType returns p's media type: "text/plain" when empty.
func leafType(p *Part) string {
	if p.ContentType == "" {
		return "text/plain"
	}
	return p.ContentType
}

// simpleLeaf reports whether a leaf p of media type ct has nothing but a type of at most
// simpleTypeMax octets, which appendSimpleLeafHeader renders.
func simpleLeaf(p *Part, ct string) bool {
	return len(ct) <= simpleTypeMax && len(p.Params) == 0 && p.Filename == "" && p.Disposition == "" &&
		p.ContentID == "" && len(p.Header) == 0
}

// simpleTypeMax is the longest media type a leaf's Content-Type holds, charset included, without
// the fold the emitter would make past 78 columns: 14 + 48 + 16 octets.
const simpleTypeMax = 48

// appendSimpleLeafHeader renders the header fields of a leaf with a media type of at most
// simpleTypeMax octets and nothing else (the usual body of a message): what appendPartFields
// writes for it, without the emitter's measuring (TestSimpleLeafHeader holds the two equal).
func appendSimpleLeafHeader(dst []byte, ct string, enc Encoding) []byte {
	dst = append(dst, "Content-Type: "...)
	dst = append(dst, ct...)
	if hasPrefixFold(ct, "text/") {
		dst = append(dst, "; charset=utf-8"...)
	}
	dst = append(dst, "\r\nContent-Transfer-Encoding: "...)
	dst = append(dst, enc.String()...)
	return append(dst, '\r', '\n')
}

// appendPartFields is appendPartHeader for any node, its media type ct resolved.
func (t *Tree) appendPartFields(dst []byte, n *node, ct string, e *emitter) ([]byte, error) {
	p := n.p
	e.start(dst, "Content-Type")
	e.raw(0, ct, "")
	text := n.leaf && hasPrefixFold(ct, "text/")
	if text && !hasParam(p.Params, "charset") {
		e.param("charset", "utf-8")
	}
	for i := range p.Params {
		e.param(p.Params[i].Name, p.Params[i].Value)
	}
	if p.Filename != "" {
		if plainForm("filename", p.Filename, true) != plainNone {
			e.paramQ("name", p.Filename, true)
		} else {
			e.ewParam("name", p.Filename)
		}
	}
	if !n.leaf {
		e.param("boundary", n.boundary)
	}
	dst = e.end()
	if n.leaf || n.enc == EightBit {
		dst = append(dst, "Content-Transfer-Encoding: "...)
		dst = append(dst, n.enc.String()...)
		dst = append(dst, '\r', '\n')
	}
	if p.Disposition != "" || p.Filename != "" {
		d := "attachment"
		if equalFold(p.Disposition, "inline") {
			d = "inline"
		}
		e.start(dst, "Content-Disposition")
		e.raw(0, d, "")
		if p.Filename != "" {
			e.paramQ("filename", p.Filename, true)
		}
		dst = e.end()
	}
	if p.ContentID != "" {
		dst = append(dst, "Content-ID: <"...)
		dst = append(dst, p.ContentID...)
		dst = append(dst, '>', '\r', '\n')
	}
	for i := range p.Header {
		var err error
		if dst, err = AppendTextField(dst, p.Header[i].Name, p.Header[i].Value); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func hasParam(ps []Param, name string) bool {
	for i := range ps {
		if equalFold(ps[i].Name, name) {
			return true
		}
	}
	return false
}

// AppendHeader appends the root entity's MIME header fields (Content-Type, Content-Transfer-Encoding,
// Content-Disposition, Content-ID, extra fields), each CRLF-terminated, without the blank line that
// ends the header block and without MIME-Version.
func (t *Tree) AppendHeader(dst []byte) ([]byte, error) {
	n := &t.list()[0]
	return append(dst, t.header()[n.hdrStart:n.hdrEnd]...), nil
}

// BodySize returns the exact number of bytes WriteBody will write, and false when some Reader has
// an unknown Size.
func (t *Tree) BodySize() (int64, bool) {
	return t.nodeSize(0, true)
}

func (t *Tree) nodeSize(i int, top bool) (int64, bool) {
	n := &t.list()[i]
	if n.leaf {
		return n.size, n.size >= 0
	}
	bl := int64(len(n.boundary))
	var total int64
	for c := n.first; c >= 0; c = t.nodes[c].next {
		cs, ok := t.nodeSize(c, false)
		if !ok {
			return 0, false
		}
		cn := &t.nodes[c]
		total += 2 + bl + 2 + int64(cn.hdrEnd-cn.hdrStart) + 2 + cs + 2
	}
	total += 2 + bl + 2
	if top {
		total += 2
	}
	return total, true
}
