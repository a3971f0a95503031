// Package f32 holds the float32 loops that training and evaluation run on:
// dot products, vector updates, the Adam step, the blocked scoring of
// users against items and the scan for scores above a threshold. It knows
// only slices.
//
// # Determinism
//
// Every kernel has one summation order, stated in its doc comment as a naive
// loop, and every implementation follows it exactly: the portable Go code
// (-tags purego, and other architectures), the AVX2 and AVX-512 assembly
// (the default build on amd64) and the archsimd code (GOEXPERIMENT=simd)
// give bit-identical results, on every machine. To keep it so:
//
//   - multiply-adds are written float32(x*y) + z, never fused into an FMA
//     (the Go spec lets a compiler fuse x*y + z unless the product is
//     converted explicitly; AVX2 code uses separate multiply and add);
//   - a reduction's order is part of its contract: Dot sums in 8 lanes then
//     a fixed tree, Scores sums each output in plain index order;
//   - square roots and divisions are IEEE-exact in both builds.
//
// Length mismatches panic with the fixed message "model: f32: length
// mismatch"; they are programming errors.
package f32
