/**
 * Side-by-side speed and memory measurements of the training step ({@code fewgen bench gan}):
 * {@link org.fewgen.bench.GanBenchmark} runs the configurations, {@link org.fewgen.bench.BenchReport}
 * prints and writes them, {@link org.fewgen.train.MemoryStats} reads peak memory, and
 * {@link org.fewgen.bench.PeakConvThroughput} measures the convolution peak that "% of peak" refers to.
 * FLOPs are counted by {@link org.fewgen.nn.FlopCounter}. {@link org.fewgen.bench.BenchRun} puts a
 * benchmark into a numbered run folder, as training runs are, with {@link org.fewgen.bench.MachineInfo}
 * and the provenance block in its config.json.
 */
package org.fewgen.bench;
