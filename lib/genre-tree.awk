# genre-tree.awk: beets' genre tree (beetsplug/lastgenre/genres-tree.yaml,
# built from Wikipedia's lists of genres; Debian package beets, Expat
# licence) as genre rules, for the section of lib/genre-rules.txt between
# "# BEGIN genre tree" and "# END genre tree".  `make genre-tree` runs it.
#
# Each name of the tree takes the family of the nearest branch above it
# that the table below names: "rock > heavy metal > doom metal" is metal.
# Names of regions and other non-genres are left out, a trailing "music"
# is dropped ("fuji music" is "fuji") unless what is left is a common
# word ("chamber music" stays), "a/b" is two names, and a name with
# accents also gets its ASCII spelling ("forró", "forro"), as Spotify
# writes it.  Every name is a pattern of whole words in a row, so the tree
# adds styles ("kwela", "schranz", "cantata"), not a list of genres.

BEGIN {
	fam["african"] = "world"
	fam["asian"] = "world"
	fam["east asian"] = "pop"
	fam["avant-garde"] = "electronic"
	fam["blues"] = "blues"
	fam["caribbean and latin american"] = "latin"
	fam["classical"] = "classical"
	fam["sacred music"] = "religious"
	fam["comedy"] = "spoken"
	fam["country"] = "country"
	fam["easy listening"] = "easy listening"
	fam["electronic"] = "electronic"
	fam["disco"] = "r&b"
	fam["post-disco"] = "r&b"
	fam["folk"] = "folk"
	fam["hip hop"] = "hip hop"
	fam["jazz"] = "jazz"
	fam["other"] = "world"
	fam["pop"] = "pop"
	fam["rhythm and blues"] = "r&b"
	fam["rock"] = "rock"
	fam["heavy metal"] = "metal"
	fam["industrial metal"] = "metal"
	fam["punk rock"] = "punk"
	fam["reggae"] = "reggae"
	# Branches that are places or groups, not genres.
	skip["african"] = skip["asian"] = skip["east asian"] = 1
	skip["south and southeast asian"] = skip["brazilian"] = 1
	skip["caribbean and latin american"] = skip["other latin"] = 1
	skip["other"] = skip["avant-garde"] = 1
	# Words too common to stand alone for the "X music" they come from.
	split("background beautiful chamber computer elevator furniture tape",
	    w, " ")
	for (i in w)
		common[w[i]] = 1
	# Modifiers, which the rules weigh last, in their own order: a tree
	# name "experimental" would make "experimental psych" electronic.
	split("beat boogie experimental hardcore industrial lo-fi minimal " \
	    "noise progressive rave", w, " ")
	for (i in w)
		skip[w[i]] = 1
	order = "metal,punk,hip hop,reggae,jazz,blues,latin,country,pop," \
	    "electronic,r&b,easy listening,rock,folk,classical,world,spoken," \
	    "religious"
	nf = split(order, fams, ",")
	split("ä a è e é e ï i ñ n ó o ù u ú u ō o", tr, " ")
}

# Add name to its family's patterns, once.
function add(name, f) {
	if (name == "" || name in seen)
		return
	seen[name] = 1
	pats[f] = pats[f] (pats[f] == "" ? "" : ", ") name
}

function ascii(s,	i) {
	for (i = 1; i in tr; i += 2)
		gsub(tr[i], tr[i + 1], s)
	return s
}

/^ *- / {
	depth = index($0, "-") - 1
	depth /= 4
	name = $0
	sub(/^ *- /, "", name)
	sub(/:$/, "", name)
	path[depth] = name
	f = ""
	for (d = depth; d >= 0 && f == ""; d--)
		if (path[d] in fam)
			f = fam[path[d]]
	if (f == "" || name in skip || name ~ /[,#*=]/)
		next
	n = split(name, alt, "/")
	for (i = 1; i <= n; i++) {
		bare = alt[i]
		if (sub(/ music$/, "", bare) && !(bare in common))
			alt[i] = bare
		if (alt[i] in skip)
			continue
		add(alt[i], f)
		add(ascii(alt[i]), f)
	}
}

END {
	for (i = 1; i <= nf; i++) {
		f = fams[i]
		if (pats[f] == "")
			continue
		# Lines of at most 72 columns, a tab after the family.
		n = split(pats[f], p, ", ")
		line = ""
		for (k = 1; k <= n; k++) {
			if (line != "" && length(f) + 2 + 8 + length(line) + \
			    length(p[k]) + 2 > 72) {
				printf "%s:\t%s\n", f, line
				line = ""
			}
			line = line (line == "" ? "" : ", ") p[k]
		}
		printf "%s:\t%s\n", f, line
	}
}
