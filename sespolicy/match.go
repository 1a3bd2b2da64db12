package sespolicy

import (
	"strings"
	"unicode/utf8"
)

// globMatch reports whether s matches pattern, where '*' matches any run of characters
// (including none) and '?' exactly one character; nothing else is special (IAM's StringLike,
// ArnLike, Action and Resource matching). With fold, letters match case-insensitively. Runs in
// O(len(pattern)·len(s)) at worst, without recursion.
func globMatch(pattern, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch c := pattern[p]; c {
			case '*':
				starP, starI = p, i
				p++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[i:])
				p++
				i += n
				continue
			default:
				pr, pn := utf8.DecodeRuneInString(pattern[p:])
				sr, sn := utf8.DecodeRuneInString(s[i:])
				if pr == sr || (fold && equalFoldRune(pr, sr)) {
					p += pn
					i += sn
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Backtrack: let the last '*' take one more character.
		_, n := utf8.DecodeRuneInString(s[starI:])
		starI += n
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func equalFoldRune(a, b rune) bool {
	return strings.EqualFold(string(a), string(b))
}

// substitute replaces IAM policy variables in v: ${key} with the request context's single value
// for key, ${key, 'default'} with the default when the key is absent, and ${*}, ${?}, ${$} with
// the literal characters (escaped so that a following wildcard match treats them literally when
// glob is true). It returns the names of variables it could not resolve (no value, a
// multi-valued key, or malformed syntax); then the result must not be used.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func substitute(v string, ctx *requestContext, glob bool) (out string, lit []bool, unresolved []string) {
	if !strings.Contains(v, "${") {
		return v, nil, nil
	}
	var b strings.Builder
	lit = make([]bool, 0, len(v))
	add := func(s string, literal bool) {
		b.WriteString(s)
		for range len(s) {
			lit = append(lit, literal)
		}
	}
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			add(v, false)
			break
		}
		add(v[:i], false)
		rest := v[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			unresolved = append(unresolved, v[i:])
			break
		}
		body := rest[:j]
		v = rest[j+1:]
		switch body {
		case "*", "?", "$":
			add(body, true)
			continue
		}
		name, def, hasDef := body, "", false
		if k := strings.IndexByte(body, ','); k >= 0 {
			name = strings.TrimSpace(body[:k])
			d := strings.TrimSpace(body[k+1:])
			if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
				unresolved = append(unresolved, "${"+body+"}")
				continue
			}
			def, hasDef = strings.ReplaceAll(d[1:len(d)-1], "''", "'"), true
		}
		name = strings.TrimSpace(name)
		vals, ok := ctx.get(name)
		switch {
		case ok && len(vals) == 1:
			add(vals[0], true)
		case hasDef && !ok:
			add(def, true)
		default:
			unresolved = append(unresolved, "${"+name+"}")
		}
	}
	if !glob {
		lit = nil
	}
	return b.String(), lit, unresolved
}

// globMatchLit is globMatch where the pattern bytes marked literal (substituted variable values,
// ${*}, ${?}) are never wildcards.
func globMatchLit(pattern string, lit []bool, s string, fold bool) bool {
	if lit == nil {
		return globMatch(pattern, s, fold)
	}
	// Encode: wildcards that are literal become private-use runes that only match themselves.
	var b strings.Builder
	var ls strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if lit[i] && (c == '*' || c == '?') {
			b.WriteRune(litRune(c))
			continue
		}
		b.WriteByte(c)
	}
	for _, r := range s {
		switch r {
		case '*', '?':
			ls.WriteRune(litRune(byte(r)))
		default:
			ls.WriteRune(r)
		}
	}
	return globMatch(b.String(), ls.String(), fold)
}

func litRune(c byte) rune {
	if c == '*' {
		return '\uE000'
	}
	return '\uE001'
}
