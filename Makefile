# sp: enrich a Spotify listening history into a local SQLite store.
# See README.md.  Targets: all deps check check-asan lint install uninstall
# clean demo bench genre-tree fuzz crash-trials check-valgrind hostile.

CFLAGS ?= -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
# Warnings are errors whatever CFLAGS says: -w, which would hide them, goes.
override CFLAGS := $(filter-out -w -Wno-error,$(CFLAGS)) -std=c11 -Wall \
	-Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow
override CPPFLAGS += -Ilib -D_GNU_SOURCE -DJSMN_STRICT -DJSMN_PARENT_LINKS
LDLIBS = -lcurl -lsqlite3 -lmicrohttpd -lm
# libpq, for sp-sync alone.
PQ_CFLAGS = $(shell pkg-config --cflags libpq)
PQ_LIBS = $(shell pkg-config --libs libpq)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BUILD ?= .
# The sanitizer build of check-asan and hostile, in build-asan/.
ASAN_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

# Debian packages sp needs to build, test and run its demo.
DEPS = gcc make libcurl4-openssl-dev libjsmn-dev libsqlite3-dev \
	libmicrohttpd-dev pkg-config bats bats-assert bats-support mandoc \
	sqlite3 jq libarchive-dev python3 chromium libpq-dev postgresql \
	clang libclang-rt-14-dev valgrind

PROGS = $(patsubst bin/%.c,%,$(wildcard bin/sp-*.c))
# Programs that are POSIX shell scripts over the others (bin/sp-NAME.sh).
SCRIPTS = $(patsubst bin/%.sh,%,$(wildcard bin/sp-*.sh))
BIN = $(addprefix $(BUILD)/bin/,$(PROGS) $(SCRIPTS))
# Test drivers of library modules (tests/unit/NAME.c), built, not installed.
UNIT = $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/*.c))
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIBSRC)) \
	$(BUILD)/gen/sp_genre_builtin.o
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)
MAN7 = $(wildcard man/*.7)

.PHONY: all build deps check check-asan test lint install uninstall clean \
	demo bench genre-tree fuzz fuzz-bins crash-trials check-valgrind hostile

all: deps
	@$(MAKE) --no-print-directory build

build: $(BIN) $(UNIT)

# Every object depends on the Makefile: its flags (-DJSMN_PARENT_LINKS
# shapes jsmn's tokens) must be the same in all of them.
$(BUILD)/lib/%.o: lib/%.c lib/*.h Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The built-in genre rules: lib/genre-rules.txt as C strings, one a line.
$(BUILD)/gen/sp_genre_builtin.c: lib/genre-rules.txt Makefile
	@mkdir -p $(@D)
	awk 'BEGIN { print "/* Generated from lib/genre-rules.txt. */"; \
	    print "extern const char *const sp_genre_builtin[];"; \
	    print "const char *const sp_genre_builtin[] = {" } \
	    { gsub(/[\\"?]/, "\\\\&"); print "\t\"" $$0 "\"," } \
	    END { print "\t0\n};" }' lib/genre-rules.txt > $@.tmp
	mv $@.tmp $@

# The section "genre tree" of lib/genre-rules.txt, made again from beets'
# genre tree (Debian package beets; not needed to build).
GENRE_TREE ?= /usr/share/beets/beetsplug/lastgenre/genres-tree.yaml
genre-tree: lib/genre-tree.awk
	awk -f lib/genre-tree.awk $(GENRE_TREE) > lib/genre-tree.tmp
	awk -v tree=lib/genre-tree.tmp '/^# END genre tree/ { skip = 0 } \
	    skip != 1 { print } \
	    skip == 2 && /^# DEALINGS/ { while ((getline l < tree) > 0) \
	    print l; skip = 1 } \
	    /^# BEGIN genre tree/ { skip = 2 }' lib/genre-rules.txt \
	    > lib/genre-rules.tmp
	rm lib/genre-tree.tmp
	mv lib/genre-rules.tmp lib/genre-rules.txt

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c Makefile
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libsp.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

# Only sp-history reads zip archives.
$(BUILD)/bin/sp-history: LDLIBS += -larchive

$(BUILD)/bin/sp-%: bin/sp-%.c $(BUILD)/libsp.a lib/*.h Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsp.a $(LDLIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libsp.a lib/*.h Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsp.a $(LDLIBS)

$(BUILD)/bin/sp-%: bin/sp-%.sh
	@mkdir -p $(@D)
	cp bin/sp-$*.sh $@.tmp
	chmod 0755 $@.tmp
	mv $@.tmp $@

# Only sp-sync talks to PostgreSQL.
$(BUILD)/bin/sp-sync: override CPPFLAGS += $(PQ_CFLAGS)
$(BUILD)/bin/sp-sync: LDLIBS += $(PQ_LIBS)

# Installs whatever is missing, with apt-get (as root, or through sudo).
# Does nothing when everything is there.  SP_NODEPS=1 skips it.
deps:
	@sh tests/deps.sh $(DEPS)

check: all
	@bash tests/run

check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS='$(ASAN_CFLAGS)' \
	    LDFLAGS='-fsanitize=address,undefined' build
	@SP_BIN=$(CURDIR)/build-asan/bin \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 bash tests/run

# N SIGKILL trials of sp-load, N/4 of the whole pipeline (not in check).
N ?= 200
crash-trials: all
	@bash tests/crash-trials.sh $(N)

# The record programs' suites under valgrind memcheck (tests/valgrind.sh).
check-valgrind: all
	@bash tests/valgrind.sh

# tests/hostile.sh at full size against the ASan+UBSan build.
hostile: deps
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS='$(ASAN_CFLAGS)' \
	    LDFLAGS='-fsanitize=address,undefined' build
	@SP_BIN=$(CURDIR)/build-asan/bin bash tests/hostile.sh full

# libFuzzer harnesses (fuzz/*.c), built with clang against the library
# built into build-fuzz/, each run FUZZ_TIME seconds (see fuzz/run), or
# FUZZ_RUNS inputs if that comes first.
FUZZ_TIME ?= 300
FUZZERS = $(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c))

fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS='$(ASAN_CFLAGS) -fsanitize=fuzzer-no-link' fuzz-bins
	@FUZZ_RUNS=$(FUZZ_RUNS) bash fuzz/run build-fuzz/fuzz $(FUZZ_TIME) \
	    $(FUZZERS)

fuzz-bins: $(addprefix $(BUILD)/fuzz/,$(FUZZERS))

$(BUILD)/fuzz/%: fuzz/%.c fuzz/fuzz.h $(BUILD)/libsp.a lib/*.h bin/*.c \
	    Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(BUILD)/libsp.a $(LDLIBS)

test: check

lint:
	-scan-build $(MAKE) clean build
	-clang-tidy lib/*.c bin/*.c -- $(CPPFLAGS) -std=c11

demo: all
	@sh examples/demo.sh

bench: all
	@bash bench/run

install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m0755 $(BIN) $(DESTDIR)$(BINDIR)
	install -m0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	$(if $(MAN5),install -m0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	$(if $(MAN7),install -m0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7)
	install -d $(DESTDIR)$(PREFIX)/share/sp
	install -m0644 lib/genre-rules.txt $(DESTDIR)$(PREFIX)/share/sp

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(PROGS) $(SCRIPTS))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MAN7)))
	rm -f $(DESTDIR)$(PREFIX)/share/sp/genre-rules.txt

clean:
	rm -f $(BIN) $(UNIT) $(LIBOBJ) $(BUILD)/libsp.a $(BUILD)/gen/sp_genre_builtin.c
	rm -rf build-asan build-fuzz build-valgrind
