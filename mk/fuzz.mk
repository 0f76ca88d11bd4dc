# mk/fuzz.mk - libFuzzer targets (tests/fuzz): the timer wheel against a
# reference model in several geometries, and random scheduler programs on the
# virtual clock. clang -fsanitize=fuzzer,address,undefined; packages:
# .ci/deps.d/fuzz.list. tests/fuzz/run.sh runs them; build/fuzz holds the
# binaries, new inputs (work/), crash inputs (artifacts/) and logs.

FUZZ_B       := $(BUILD)/fuzz
FUZZ_CC      := clang -std=c11
FUZZ_FLAGS   := $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer $(INC)
FUZZ_SECONDS ?= 60

.PHONY: fuzz test-fuzz fuzz-corpus
CHECK_TARGETS += test-fuzz

help::
	@echo "  make test-fuzz       libFuzzer targets (wheel vs a model, 9 geometries; scheduler programs, 4 builds):"
	@echo "                       replay the committed corpus, then about 1 s of new inputs each"
	@echo "  make fuzz            run each fuzz build for FUZZ_SECONDS (60) seconds; crashes in build/fuzz/artifacts"
	@echo "  make fuzz-corpus     merge build/fuzz/work into tests/fuzz/corpus (-merge=1: only inputs with new coverage)"

# $(call fuzz_build,name,source,flags): $(FUZZ_B)/<name>
define fuzz_build
$(FUZZ_B)/$(1): tests/fuzz/$(2).c $(HEADERS) $(PORTS)
	@mkdir -p $(FUZZ_B)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(3) $$< -o $$@
FUZZ_BINS += $(1)
endef
# the wheel: default geometries, one slot bit, small wheels of many levels, the sorted list
$(eval $(call fuzz_build,wheel-b6-32,wheel_fuzz,))
$(eval $(call fuzz_build,wheel-b6-16,wheel_fuzz,-DCOOP_TICK_BITS=16))
$(eval $(call fuzz_build,wheel-b5-32,wheel_fuzz,-DCOOP_WHEEL_SLOT_BITS=5))
$(eval $(call fuzz_build,wheel-b1-16,wheel_fuzz,-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=1))
$(eval $(call fuzz_build,wheel-b2l8-16,wheel_fuzz,-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=8))
$(eval $(call fuzz_build,wheel-b4l8-32,wheel_fuzz,-DCOOP_WHEEL_SLOT_BITS=4 -DCOOP_WHEEL_LEVELS=8))
$(eval $(call fuzz_build,wheel-b3l6-16,wheel_fuzz,-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=3 -DCOOP_WHEEL_LEVELS=6))
$(eval $(call fuzz_build,wheel-list-16,wheel_fuzz,-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_LEVELS=0))
$(eval $(call fuzz_build,wheel-list-32,wheel_fuzz,-DCOOP_WHEEL_LEVELS=0))
# the scheduler: both back ends, both tick widths, a small wheel, the sorted list
$(eval $(call fuzz_build,sched-switch-32,sched_fuzz,))
$(eval $(call fuzz_build,sched-goto-16,sched_fuzz,-DCOOP_TICK_BITS=16 -DCOOP_LC=COOP_LC_GOTO))
$(eval $(call fuzz_build,sched-b2l8-16,sched_fuzz,-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=8))
$(eval $(call fuzz_build,sched-list-32,sched_fuzz,-DCOOP_WHEEL_LEVELS=0 -DCOOP_LC=COOP_LC_GOTO))

test-fuzz: $(addprefix $(FUZZ_B)/,$(FUZZ_BINS))
	@echo "== fuzz: corpus replay and a short run of each build"
	@FUZZ_B=$(FUZZ_B) bash tests/fuzz/run.sh test $(FUZZ_BINS)

fuzz: $(addprefix $(FUZZ_B)/,$(FUZZ_BINS))
	@FUZZ_B=$(FUZZ_B) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh fuzz $(FUZZ_BINS)

fuzz-corpus: $(addprefix $(FUZZ_B)/,$(FUZZ_BINS))
	@FUZZ_B=$(FUZZ_B) bash tests/fuzz/run.sh corpus $(FUZZ_BINS)
