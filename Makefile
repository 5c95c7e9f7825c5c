# Front door of the build. Binaries land in $(BUILD) (default build/); `make san` builds the
# AddressSanitizer + UndefinedBehaviorSanitizer variant into build-san/.
# Sources are picked up by folder, so adding a file never means editing this Makefile:
#   src/lib/*.c src/proto/*.c -> one internal library; src/client/*.c -> s_client;
#   src/server/*.c -> s_server; tests/unit/test_*.c -> one TAP test binary each;
#   tests/fuzz/fuzz_*.c -> one libFuzzer target each (clang only, `make fuzz-build`).

# OPENSSL_PREFIX=/path: build against the OpenSSL installed there (e.g. 3.5 LTS from
# scripts/build-openssl35.sh) instead of the system's, into build-35/ unless BUILD says otherwise.
# The binaries get a run path to that library, which has the system one's soname.
OPENSSL_PREFIX ?=
ifneq ($(OPENSSL_PREFIX),)
BUILD     ?= build-35
endif
BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
COMPDIR   ?= $(PREFIX)/share/bash-completion/completions
CC        ?= cc
PKG_CONFIG ?= pkg-config

OPENSSL_PKG_CONFIG := $(PKG_CONFIG)
ifneq ($(OPENSSL_PREFIX),)
OPENSSL_PCDIR := $(firstword $(wildcard $(OPENSSL_PREFIX)/lib64/pkgconfig \
                                         $(OPENSSL_PREFIX)/lib/pkgconfig))
ifeq ($(OPENSSL_PCDIR),)
$(error no openssl.pc under $(OPENSSL_PREFIX)/lib64 or lib: run scripts/build-openssl35.sh)
endif
OPENSSL_PKG_CONFIG := PKG_CONFIG_LIBDIR=$(OPENSSL_PCDIR) PKG_CONFIG_PATH= $(PKG_CONFIG)
OPENSSL_RPATH := -Wl,-rpath,$(OPENSSL_PCDIR:%/pkgconfig=%)
endif
OPENSSL_CFLAGS := $(shell $(OPENSSL_PKG_CONFIG) --cflags openssl 2>/dev/null)
OPENSSL_LIBS   := $(shell $(OPENSSL_PKG_CONFIG) --libs openssl 2>/dev/null)
ifeq ($(OPENSSL_LIBS),)
$(error pkg-config cannot find openssl: run scripts/install-deps.sh --build-only)
endif
OPENSSL_LIBS   += $(OPENSSL_RPATH)

WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2
CSTD      := -std=c11 -D_GNU_SOURCE
OPT       ?= -O2 -g
CFLAGS    ?=
CFLAGS    += $(CSTD) $(OPT) $(WARN) -Isrc $(OPENSSL_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS    += $(OPENSSL_LIBS) -lpthread $(EXTRA_LDLIBS)

LIB_SRC    := $(sort $(wildcard src/lib/*.c src/proto/*.c))
CLIENT_SRC := $(sort $(wildcard src/client/*.c))
SERVER_SRC := $(sort $(wildcard src/server/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
TOOL_SRC   := $(sort $(wildcard tools/*.c))

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(BUILD)/obj/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
TOOL_BIN   := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)
LIBA       := $(BUILD)/libtlstool.a

.PHONY: all san test test-san test-35 unit install uninstall clean fuzz fuzz-build format check-format bench
all: $(BUILD)/s_client $(BUILD)/s_server $(UNIT_BIN) $(TOOL_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/s_client: $(CLIENT_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/s_server: $(SERVER_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Unit tests may reach into a program's private files: they link that program's objects
# minus its main.o.
$(BUILD)/tests/unit/%: tests/unit/%.c $(LIBA) $(filter-out %/main.o,$(CLIENT_OBJ) $(SERVER_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(filter-out %/main.o,$(CLIENT_OBJ) $(SERVER_OBJ)) $(LIBA) $(LDLIBS) -o $@

# Build-time tools (e.g. the man page and completion generator) link like unit tests.
$(BUILD)/tools/%: tools/%.c $(LIBA) $(filter-out %/main.o,$(CLIENT_OBJ) $(SERVER_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(filter-out %/main.o,$(CLIENT_OBJ) $(SERVER_OBJ)) $(LIBA) $(LDLIBS) -o $@

san:
	$(MAKE) BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    EXTRA_LDLIBS="-fsanitize=address,undefined"

test: all
	tests/run $(BUILD)

test-san: san
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    tests/run build-san

# The whole suite against OpenSSL 3.5 LTS (scripts/build-openssl35.sh builds it once, cached):
# our programs built on it, and its own `openssl` first in PATH as the reference peer, so
# output is compared with the same library version. OPENSSL_REF_VERSION tells the tests which.
OPENSSL35_PREFIX ?= $(shell scripts/build-openssl35.sh --print-prefix)
test-35:
	scripts/build-openssl35.sh
	$(MAKE) OPENSSL_PREFIX=$(OPENSSL35_PREFIX) BUILD=build-35
	PATH="$(OPENSSL35_PREFIX)/bin:$$PATH" \
	    OPENSSL_REF_VERSION="$$($(OPENSSL35_PREFIX)/bin/openssl version | cut -d' ' -f2)" \
	    tests/run build-35

# Side-by-side benchmarks against openssl s_server/s_client and gnutls-serv (bench/README.md).
# Minutes long, loads both cores, never part of `make test`.
bench: $(BUILD)/s_client $(BUILD)/s_server
	BUILD=$(BUILD) bench/all.py

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do echo "# $$t"; $$t || exit 1; done

# libFuzzer targets (clang only). The library is compiled once with the fuzz flags into
# build-fuzz/obj/ and each tests/fuzz/fuzz_NAME.c is linked against it. A parser that lives in a
# program is reached by naming the program's folder in the target, on a line of its own:
#     // FUZZ_EXTRA_SRC: src/client
# which links that program's files minus main.c, as the unit tests do (a single file may be
# named too, but a whole folder keeps linking as the program grows). A target that needs a
# library of its own names it the same way: `// FUZZ_EXTRA_LIBS: -ljson-c`.
# `make fuzz` runs every target FUZZ_SECONDS (default 300) and then replays its corpus; it and
# tests/fuzz/fuzz.t share tests/fuzz/run.sh, which says more.
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -Isrc $(OPENSSL_CFLAGS) \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_LIBOBJ  := $(LIB_SRC:%.c=build-fuzz/obj/%.o)
FUZZ_SECONDS ?= 300
fuzz_extra_src = $(foreach w,$(shell sed -n 's|^// FUZZ_EXTRA_SRC:||p' tests/fuzz/$(1).c),\
                   $(if $(filter %.c,$(w)),$(w),$(filter-out %/main.c,$(wildcard $(w)/*.c))))
fuzz_extra_obj = $(patsubst %.c,build-fuzz/obj/%.o,$(call fuzz_extra_src,$(1)))
fuzz_extra_libs = $(shell sed -n 's|^// FUZZ_EXTRA_LIBS:||p' tests/fuzz/$(1).c)

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

# Objects make would otherwise delete as intermediates after each link.
.SECONDARY: $(FUZZ_SRC:%.c=build-fuzz/obj/%.o) $(FUZZ_LIBOBJ) \
            $(foreach f,$(FUZZ_SRC),$(call fuzz_extra_obj,$(basename $(notdir $(f)))))

# Second expansion lets each target's prerequisites come from its own source file.
.SECONDEXPANSION:
build-fuzz/fuzz_%: build-fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIBOBJ) \
                   $$(call fuzz_extra_obj,fuzz_$$*)
	$(FUZZ_CC) $(FUZZ_FLAGS) $^ $(call fuzz_extra_libs,fuzz_$*) $(OPENSSL_LIBS) -lpthread -o $@

fuzz-build: $(FUZZ_BIN)
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# ---- documentation: man pages and bash completion, generated from the option tables ----
# The pages are committed (so `man -l docs/s_client.1` works from a clone) and regenerated by
# `make docs`; tests/docs/consistency.t fails when they are stale. The completion scripts hold
# word lists checked against the linked libssl, so they are built, not committed.
GENDOC     := $(BUILD)/tools/gendoc
DOC_PROGS  := s_client s_server
MAN_PAGES  := $(DOC_PROGS:%=docs/%.1)
COMPLETION := $(DOC_PROGS:%=$(BUILD)/completion/%)

.PHONY: docs completion
all: completion
completion: $(COMPLETION)

$(BUILD)/completion/%: $(GENDOC)
	@mkdir -p $(dir $@)
	ASAN_OPTIONS=detect_leaks=0 $(GENDOC) completion $* > $@.tmp && mv $@.tmp $@

docs: $(GENDOC)
	for p in $(DOC_PROGS); do \
	    ASAN_OPTIONS=detect_leaks=0 $(GENDOC) man $$p docs > docs/$$p.1.tmp || exit 1; \
	    mv docs/$$p.1.tmp docs/$$p.1; \
	done

# The interop tests with both programs under valgrind's memcheck. Each process writes its
# report to $(BUILD)/valgrind/vg.PID.log, which --quiet leaves empty unless there is a memory
# error or a definite leak; any non-empty one fails the target (servers stopped by a signal
# included, whose exit status no test sees). Slow: the tests' bounds are stretched
# (TEST_TIME_FACTOR, default 6 here; a file may take TEST_TIMEOUT, default 900 s), so this is
# not part of `make test`.
VALGRIND       ?= valgrind
VALGRIND_LOGS  := $(abspath $(BUILD))/valgrind
VALGRIND_FLAGS ?= --quiet --leak-check=full --errors-for-leak-kinds=definite \
                  --error-exitcode=99 --num-callers=30
VALGRIND_TESTS ?= tests/interop
VALGRIND_RUN    = $(VALGRIND) $(VALGRIND_FLAGS) --log-file=$(VALGRIND_LOGS)/vg.%p.log
.PHONY: valgrind
valgrind: all
	@rm -rf $(VALGRIND_LOGS) && mkdir -p $(VALGRIND_LOGS)
	S_CLIENT="$(VALGRIND_RUN) $(abspath $(BUILD))/s_client" \
	S_SERVER="$(VALGRIND_RUN) $(abspath $(BUILD))/s_server" \
	TEST_TIME_FACTOR=$${TEST_TIME_FACTOR:-6} TEST_TIMEOUT=$${TEST_TIMEOUT:-900} \
	    tests/run $(BUILD) $(VALGRIND_TESTS); rc=$$?; \
	bad=$$(find $(VALGRIND_LOGS) -type f -size +0c | sort); \
	for f in $$bad; do echo "=== $$f"; head -n 80 "$$f"; done; \
	echo "valgrind: $$(ls $(VALGRIND_LOGS) | wc -l) processes, $$(echo $$bad | wc -w) with reports"; \
	test -z "$$bad" && exit $$rc; exit 1

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR)
	install -m 755 $(DOC_PROGS:%=$(BUILD)/%) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(COMPLETION) $(DESTDIR)$(COMPDIR)/

uninstall:
	rm -f $(DOC_PROGS:%=$(DESTDIR)$(BINDIR)/%) $(DOC_PROGS:%=$(DESTDIR)$(MANDIR)/man1/%.1) \
	      $(DOC_PROGS:%=$(DESTDIR)$(COMPDIR)/%)

format:
	clang-format -i $(LIB_SRC) $(CLIENT_SRC) $(SERVER_SRC) $(wildcard src/*/*.h)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
-include $(shell find build-fuzz/obj -name '*.d' 2>/dev/null)
