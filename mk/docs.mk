# mk/docs.mk - pictures from real runs: examples recorded as VCD files on the
# virtual clock (ports/vcd.h, COOP_VCD 1) and drawn as SVG timelines
# (tools/vcd2svg.py) in docs/img/. `make docs` writes them; test-vcd (in
# `make check`) checks blink2's recording against its known timing and fails
# when a committed picture differs from a fresh one. Packages:
# .ci/deps.d/docs.list (rsvg-convert renders each picture in the test).

CHECK_TARGETS += test-vcd
.PHONY: docs test-vcd

# the examples drawn, their task names (in spawn order) and titles
DOCS_IMG := blink1 blink2 irq_alert superloop interval_one_led interval_buttons button_flag \
            debounced_counter producer_consumer cancel_alert
VCD_NAMES_blink1    := main led1
VCD_NAMES_blink2    := main led1 led2
VCD_NAMES_irq_alert := main heartbeat watcher
VCD_TITLE_blink1    := blink1: one task blinks LED1 (250 ms on, 250 ms off, 10 times)
VCD_TITLE_blink2    := blink2: two tasks, LED1 every 250 ms and LED2 every 100 ms
VCD_TITLE_irq_alert := irq_alert: BUTTON1 interrupts start an alert on LED2, the heartbeat goes on
VCD_NAMES_superloop         :=
VCD_TITLE_superloop         := superloop: a blocking delay, LED2 waits until LED1 has finished
VCD_NAMES_interval_one_led  := blink scanner monitor
VCD_TITLE_interval_one_led  := interval_one_led: the monitor task changes the interval the blink task reads
VCD_NAMES_interval_buttons  := main led1 led2 monitor1 monitor2
VCD_TITLE_interval_buttons  := interval_buttons: four tasks, two buttons per LED change its interval
VCD_NAMES_button_flag       := main_loop
VCD_TITLE_button_flag       := button_flag: the interrupt sets a flag, the task takes it and toggles LED1
VCD_NAMES_debounced_counter := counter
VCD_TITLE_debounced_counter := debounced_counter: a bouncy press counts once, its bounces are ignored
VCD_NAMES_producer_consumer := scanner buttons main producer consumer1 consumer2
VCD_TITLE_producer_consumer := producer_consumer: a queue between a producer and two consumers
VCD_NAMES_cancel_alert      := debouncer watcher alert
VCD_TITLE_cancel_alert      := cancel_alert: a press starts the alert task, a second press cancels it
# keep the recordings (GTKWave opens them) and the binaries
.SECONDARY: $(addprefix $(BUILD)/vcd/,$(addsuffix .vcd,$(DOCS_IMG))) $(addprefix $(BUILD)/vcd/bin/,$(DOCS_IMG))

# an example built to record (the virtual port, COOP_VCD 1)
$(BUILD)/vcd/bin/%: examples/%/main.c $(HEADERS) $(PORTS)
	@mkdir -p $(dir $@)
	gcc -std=c99 $(WARN) $(OPT) $(INC) '-DCOOP_PORT="virtual.h"' -DCOOP_VCD=1 $< -o $@

# its run: the virtual clock makes it the same every time
$(BUILD)/vcd/%.vcd: $(BUILD)/vcd/bin/%
	COOP_VCD=$@ COOP_VCD_NAMES="$(VCD_NAMES_$*)" $< > /dev/null

# the picture (the committed one, under docs/img/)
$(BUILD)/vcd/%.svg: $(BUILD)/vcd/%.vcd tools/vcd2svg.py
	python3 tools/vcd2svg.py $< --title "$(VCD_TITLE_$*)" -o $@

docs: $(addprefix $(BUILD)/vcd/,$(addsuffix .svg,$(DOCS_IMG)))
	@mkdir -p docs/img
	@for e in $(DOCS_IMG); do cp $(BUILD)/vcd/$$e.svg docs/img/$$e.svg; echo "docs/img/$$e.svg"; done

test-vcd: $(addprefix $(BUILD)/vcd/,$(addsuffix .svg,$(DOCS_IMG)) $(addsuffix .vcd,$(DOCS_IMG))) $(BUILD)/vcd/bin/blink2
	@echo "== vcd: blink2's recording keeps its timing; docs/img/*.svg are fresh and render"
	@BUILD=$(BUILD) DOCS_IMG="$(DOCS_IMG)" bash tests/vcd.sh

help::
	@echo "  make docs            record examples on the virtual clock (COOP_VCD=file.vcd, ports/vcd.h) and draw"
	@echo "                       docs/img/<example>.svg (tools/vcd2svg.py): $(DOCS_IMG)"
	@echo "  make test-vcd        blink2's VCD: LED edges at their ticks, each made while its task runs;"
	@echo "                       docs/img/*.svg equal fresh ones and render (rsvg-convert)"
