//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernels for the default build (kernels_asm_amd64.go). Each follows
// the summation order of its portable oracle exactly, with a separate
// multiply and add (never an FMA), so results are bit-identical; each
// processes whole groups of 8 elements and leaves the rest to Go. Every
// function ends with VZEROUPPER: the Go compiler's scalar float code is
// legacy SSE, which runs slowly while upper halves are dirty.

// func dot8(x, y *float32, n int) float32
TEXT ·dot8(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
dotloop:
	CMPQ AX, CX
	JGE dotdone
	VMOVUPS (SI)(AX*4), Y1
	VMULPS (DI)(AX*4), Y1, Y1
	VADDPS Y1, Y0, Y0
	ADDQ $8, AX
	JMP dotloop
dotdone:
	// ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7))
	VHADDPS Y0, Y0, Y0
	VHADDPS Y0, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDSS X1, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func nonFinite8(x *float32, n int) bool
// Whether x[0:n] (n a multiple of 8) holds a NaN or an infinity: y - y is
// +0 for a finite y and NaN otherwise, so the OR of every difference's
// bits is zero exactly when all are finite.
TEXT ·nonFinite8(SB), NOSPLIT, $0-17
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VXORPS Y2, Y2, Y2
	XORQ AX, AX
finiteloop:
	CMPQ AX, CX
	JGE finitedone
	VMOVUPS (SI)(AX*4), Y0
	VSUBPS Y0, Y0, Y1
	VORPS Y1, Y2, Y2
	ADDQ $8, AX
	JMP finiteloop
finitedone:
	VPTEST Y2, Y2
	SETNE ret+16(FP)
	VZEROUPPER
	RET

// func firstAbove8(x *float32, n int, t float32) int
// The start of the first group of 8 in x[0:n] (n a multiple of 8) holding
// an element above t, or n. t < x is compared ordered (VCMPPS predicate
// LT_OQ, 0x11: false when either is NaN), as Go's x > t; two groups a
// round, tested together, then the group that holds it.
TEXT ·firstAbove8(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS t+16(FP), Y3
	MOVQ CX, DX
	ANDQ $-16, DX
	XORQ AX, AX
aboveloop:
	CMPQ AX, DX
	JGE abovelast
	VCMPPS $0x11, (SI)(AX*4), Y3, Y0
	VCMPPS $0x11, 32(SI)(AX*4), Y3, Y1
	VORPS Y0, Y1, Y2
	VPTEST Y2, Y2
	JNZ abovepair
	ADDQ $16, AX
	JMP aboveloop
abovepair:
	VPTEST Y0, Y0
	JNZ abovedone
	ADDQ $8, AX
	JMP abovedone
abovelast:
	CMPQ AX, CX
	JGE abovedone
	VCMPPS $0x11, (SI)(AX*4), Y3, Y0
	VPTEST Y0, Y0
	JNZ abovedone
	ADDQ $8, AX
abovedone:
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET

// func dots8(x *float32, table *float32, rows *int32, k int, dim int, out *float32, n int)
// For j < k: out[j] = dot8(x, table[rows[j]*dim:], n), n a multiple of 8.
TEXT ·dots8(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ table+8(FP), R9
	MOVQ rows+16(FP), R10
	MOVQ k+24(FP), R11
	MOVQ dim+32(FP), R12
	MOVQ out+40(FP), R8
	MOVQ n+48(FP), CX
	XORQ BX, BX
dotsrow:
	CMPQ BX, R11
	JGE dotsdone
	MOVLQSX (R10)(BX*4), DI
	IMULQ R12, DI
	LEAQ (R9)(DI*4), DI
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
dotsloop:
	CMPQ AX, CX
	JGE dotsreduce
	VMOVUPS (SI)(AX*4), Y1
	VMULPS (DI)(AX*4), Y1, Y1
	VADDPS Y1, Y0, Y0
	ADDQ $8, AX
	JMP dotsloop
dotsreduce:
	VHADDPS Y0, Y0, Y0
	VHADDPS Y0, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDSS X1, X0, X0
	VMOVSS X0, (R8)(BX*4)
	INCQ BX
	JMP dotsrow
dotsdone:
	VZEROUPPER
	RET

// func axpy8(a float32, x, y *float32, n int)
TEXT ·axpy8(SB), NOSPLIT, $0-32
	VBROADCASTSS a+0(FP), Y0
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ n+24(FP), CX
	XORQ AX, AX
axpyloop:
	CMPQ AX, CX
	JGE axpydone
	VMULPS (SI)(AX*4), Y0, Y1
	VADDPS (DI)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP axpyloop
axpydone:
	VZEROUPPER
	RET

// func axpyRows8(a *float32, table *float32, rows *int32, k int, dim int, y *float32, n int)
// For j < k: y[0:n] += a[j] * table[rows[j]*dim : rows[j]*dim+n], n a
// multiple of 8, each element product then sum, as axpy8.
TEXT ·axpyRows8(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), R8
	MOVQ table+8(FP), R9
	MOVQ rows+16(FP), R10
	MOVQ k+24(FP), R11
	MOVQ dim+32(FP), R12
	MOVQ y+40(FP), DI
	MOVQ n+48(FP), CX
	XORQ BX, BX
rowsrow:
	CMPQ BX, R11
	JGE rowsdone
	VBROADCASTSS (R8)(BX*4), Y0
	MOVLQSX (R10)(BX*4), SI
	IMULQ R12, SI
	LEAQ (R9)(SI*4), SI
	XORQ AX, AX
rowsloop:
	CMPQ AX, CX
	JGE rowsnext
	VMULPS (SI)(AX*4), Y0, Y1
	VADDPS (DI)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP rowsloop
rowsnext:
	INCQ BX
	JMP rowsrow
rowsdone:
	VZEROUPPER
	RET

// func scatter8(a *float32, x *float32, table *float32, rows *int32, k int, dim int, n int)
// For j < k: table[rows[j]*dim : rows[j]*dim+n] += a[j] * x[0:n], n a
// multiple of 8, each element product then sum, as axpy8.
TEXT ·scatter8(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), R8
	MOVQ x+8(FP), SI
	MOVQ table+16(FP), R9
	MOVQ rows+24(FP), R10
	MOVQ k+32(FP), R11
	MOVQ dim+40(FP), R12
	MOVQ n+48(FP), CX
	XORQ BX, BX
scatterrow:
	CMPQ BX, R11
	JGE scatterdone
	VBROADCASTSS (R8)(BX*4), Y0
	MOVLQSX (R10)(BX*4), DI
	IMULQ R12, DI
	LEAQ (R9)(DI*4), DI
	XORQ AX, AX
scatterloop:
	CMPQ AX, CX
	JGE scatternext
	VMULPS (SI)(AX*4), Y0, Y1
	VADDPS (DI)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP scatterloop
scatternext:
	INCQ BX
	JMP scatterrow
scatterdone:
	VZEROUPPER
	RET

// func axpby8(a float32, x *float32, b float32, y *float32, n int)
TEXT ·axpby8(SB), NOSPLIT, $0-40
	VBROADCASTSS a+0(FP), Y0
	MOVQ x+8(FP), SI
	VBROADCASTSS b+16(FP), Y1
	MOVQ y+24(FP), DI
	MOVQ n+32(FP), CX
	XORQ AX, AX
axpbyloop:
	CMPQ AX, CX
	JGE axpbydone
	VMULPS (SI)(AX*4), Y0, Y2
	VMULPS (DI)(AX*4), Y1, Y3
	VADDPS Y3, Y2, Y2
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ $8, AX
	JMP axpbyloop
axpbydone:
	VZEROUPPER
	RET

// func scal8(a float32, x *float32, n int)
TEXT ·scal8(SB), NOSPLIT, $0-24
	VBROADCASTSS a+0(FP), Y0
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
scalloop:
	CMPQ AX, CX
	JGE scaldone
	VMULPS (SI)(AX*4), Y0, Y1
	VMOVUPS Y1, (SI)(AX*4)
	ADDQ $8, AX
	JMP scalloop
scaldone:
	VZEROUPPER
	RET

// func adam8(p, grad, m, v *float32, n int, s *AdamStep) bool
TEXT ·adam8(SB), NOSPLIT, $0-49
	MOVQ p+0(FP), SI
	MOVQ grad+8(FP), DX
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ s+40(FP), R10
	VBROADCASTSS 0(R10), Y8   // Beta1
	VBROADCASTSS 4(R10), Y9   // Beta2
	VBROADCASTSS 8(R10), Y10  // OneMinusBeta1
	VBROADCASTSS 12(R10), Y11 // OneMinusBeta2
	VBROADCASTSS 16(R10), Y12 // Eps
	VBROADCASTSS 20(R10), Y13 // WeightDecay
	VBROADCASTSS 24(R10), Y14 // StepSize
	VBROADCASTSS 28(R10), Y15 // BiasCorrection2Sqrt
	VXORPS Y7, Y7, Y7         // sums p - p: 0 while every p is finite, NaN after
	XORQ AX, AX
adamloop:
	CMPQ AX, CX
	JGE adamdone
	VMOVUPS (SI)(AX*4), Y0    // p
	VMULPS Y0, Y13, Y1        // wd*p
	VADDPS (DX)(AX*4), Y1, Y1 // g + wd*p
	VMULPS (R8)(AX*4), Y8, Y2 // b1*m
	VMULPS Y1, Y10, Y3        // c1*g
	VADDPS Y3, Y2, Y2         // m
	VMOVUPS Y2, (R8)(AX*4)
	VMULPS (R9)(AX*4), Y9, Y4 // b2*v
	VMULPS Y1, Y11, Y5        // c2*g
	VMULPS Y1, Y5, Y5         // (c2*g)*g
	VADDPS Y5, Y4, Y4         // v
	VMOVUPS Y4, (R9)(AX*4)
	VSQRTPS Y4, Y5
	VDIVPS Y15, Y5, Y5        // sqrt(v)/bc2
	VADDPS Y12, Y5, Y5        // + eps
	VMULPS Y2, Y14, Y6        // step*m
	VDIVPS Y5, Y6, Y6         // / denom
	VSUBPS Y6, Y0, Y0         // p - ...
	VMOVUPS Y0, (SI)(AX*4)
	VSUBPS Y0, Y0, Y6
	VADDPS Y6, Y7, Y7
	ADDQ $8, AX
	JMP adamloop
adamdone:
	VCMPPS $3, Y7, Y7, Y7     // unordered: NaN lanes
	VMOVMSKPS Y7, AX
	TESTL AX, AX
	SETEQ ret+48(FP)
	VZEROUPPER
	RET

// func catchUp8(w, m, v *float32, n int, s *SkipSteps)
TEXT ·catchUp8(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ m+8(FP), R8
	MOVQ v+16(FP), R9
	MOVQ n+24(FP), CX
	MOVQ s+32(FP), R10
	VBROADCASTSS 0(R10), Y8   // Coef[0]
	VBROADCASTSS 4(R10), Y9   // Coef[1]
	VBROADCASTSS 8(R10), Y10  // Coef[2]
	VBROADCASTSS 12(R10), Y11 // Coef[3]
	VBROADCASTSS 16(R10), Y12 // Coef[4]
	VBROADCASTSS 20(R10), Y13 // NegEps
	VBROADCASTSS 24(R10), Y14 // Decay1
	VBROADCASTSS 28(R10), Y15 // Decay2
	VBROADCASTSS 32(R10), Y6  // VMin
	MOVL $0x3f800000, DX
	MOVL DX, X7
	VBROADCASTSS X7, Y7       // 1
	XORQ AX, AX
catchuploop:
	CMPQ AX, CX
	JGE catchupdone
	VMOVUPS (R9)(AX*4), Y0    // v
	VMOVUPS (R8)(AX*4), Y1    // m
	VSQRTPS Y0, Y3
	VDIVPS Y3, Y7, Y3         // u = 1/sqrt(v)
	VMULPS Y3, Y13, Y4        // x = negEps*u
	VMULPS Y12, Y4, Y5        // x*c4
	VADDPS Y11, Y5, Y5        // c3 + x*c4
	VMULPS Y5, Y4, Y5
	VADDPS Y10, Y5, Y5        // c2 + x*acc
	VMULPS Y5, Y4, Y5
	VADDPS Y9, Y5, Y5         // c1 + x*acc
	VMULPS Y5, Y4, Y5
	VADDPS Y8, Y5, Y5         // c0 + x*acc
	VMULPS Y3, Y5, Y5         // acc*u
	VMULPS Y5, Y1, Y5         // m*(acc*u)
	VCMPPS $0x1d, Y6, Y0, Y3  // v >= VMin (ordered)
	VANDPS Y3, Y5, Y5         // the move, 0 where v < VMin
	VMOVUPS (SI)(AX*4), Y2
	VSUBPS Y5, Y2, Y2
	VMOVUPS Y2, (SI)(AX*4)
	VMULPS Y14, Y1, Y1
	VMOVUPS Y1, (R8)(AX*4)
	VMULPS Y15, Y0, Y0
	VMOVUPS Y0, (R9)(AX*4)
	ADDQ $8, AX
	JMP catchuploop
catchupdone:
	VZEROUPPER
	RET

// func catchUpSum8(w, m, v, c, e *float32, n, nc int, eps, decay1, decay2 float32)
TEXT ·catchUpSum8(SB), NOSPLIT, $0-68
	MOVQ w+0(FP), SI
	MOVQ m+8(FP), R8
	MOVQ v+16(FP), R9
	MOVQ c+24(FP), R10
	MOVQ e+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ nc+48(FP), DX
	VBROADCASTSS eps+56(FP), Y12
	VBROADCASTSS decay1+60(FP), Y14
	VBROADCASTSS decay2+64(FP), Y15
	XORQ AX, AX
sumloop:
	CMPQ AX, CX
	JGE sumdone
	VMOVUPS (R9)(AX*4), Y0    // v
	VMOVUPS (R8)(AX*4), Y1    // m
	VSQRTPS Y0, Y2            // s
	VXORPS Y3, Y3, Y3         // sum
	XORQ BX, BX
sumterms:
	CMPQ BX, DX
	JGE sumterm
	VBROADCASTSS (R11)(BX*4), Y4
	VMULPS Y2, Y4, Y4         // e[j]*s
	VADDPS Y12, Y4, Y4        // + eps
	VBROADCASTSS (R10)(BX*4), Y5
	VDIVPS Y4, Y5, Y5         // c[j] / ...
	VADDPS Y5, Y3, Y3
	INCQ BX
	JMP sumterms
sumterm:
	VMULPS Y3, Y1, Y4         // m*sum
	VMOVUPS (SI)(AX*4), Y5
	VSUBPS Y4, Y5, Y5
	VMOVUPS Y5, (SI)(AX*4)
	VMULPS Y14, Y1, Y1
	VMOVUPS Y1, (R8)(AX*4)
	VMULPS Y15, Y0, Y0
	VMOVUPS Y0, (R9)(AX*4)
	ADDQ $8, AX
	JMP sumloop
sumdone:
	VZEROUPPER
	RET

// func scores3x16asm(x0, x1, x2 *float32, pa, pb *[8]float32, dim int, out *[6][8]float32)
TEXT ·scores3x16asm(SB), NOSPLIT, $0-56
	MOVQ x0+0(FP), R8
	MOVQ x1+8(FP), R9
	MOVQ x2+16(FP), R10
	MOVQ pa+24(FP), SI
	MOVQ pb+32(FP), DI
	MOVQ dim+40(FP), CX
	MOVQ out+48(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	XORQ AX, AX
	XORQ BX, BX // AX*32: the column's offset in a panel
s316loop:
	CMPQ AX, CX
	JGE s316done
	VMOVUPS (SI)(BX*1), Y6
	VMOVUPS (DI)(BX*1), Y7
	VBROADCASTSS (R8)(AX*4), Y8
	VMULPS Y6, Y8, Y9
	VADDPS Y9, Y0, Y0
	VMULPS Y7, Y8, Y9
	VADDPS Y9, Y3, Y3
	VBROADCASTSS (R9)(AX*4), Y8
	VMULPS Y6, Y8, Y9
	VADDPS Y9, Y1, Y1
	VMULPS Y7, Y8, Y9
	VADDPS Y9, Y4, Y4
	VBROADCASTSS (R10)(AX*4), Y8
	VMULPS Y6, Y8, Y9
	VADDPS Y9, Y2, Y2
	VMULPS Y7, Y8, Y9
	VADDPS Y9, Y5, Y5
	INCQ AX
	ADDQ $32, BX
	JMP s316loop
s316done:
	VMOVUPS Y0, 0(DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VZEROUPPER
	RET

// func scores1x8asm(x *float32, pa *[8]float32, dim int, out *[8]float32)
TEXT ·scores1x8asm(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), R8
	MOVQ pa+8(FP), SI
	MOVQ dim+16(FP), CX
	MOVQ out+24(FP), DX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
	XORQ BX, BX
s18loop:
	CMPQ AX, CX
	JGE s18done
	VBROADCASTSS (R8)(AX*4), Y8
	VMULPS (SI)(BX*1), Y8, Y9
	VADDPS Y9, Y0, Y0
	INCQ AX
	ADDQ $32, BX
	JMP s18loop
s18done:
	VMOVUPS Y0, 0(DX)
	VZEROUPPER
	RET

// func sumSteps4(s, c, e *float64, n int, eps float64, out *float64)
// out[0:4] = sum over j of c[j] / (e[j]*s[0:4] + eps), in j order, float64.
TEXT ·sumSteps4(SB), NOSPLIT, $0-48
	MOVQ s+0(FP), SI
	MOVQ c+8(FP), R10
	MOVQ e+16(FP), R11
	MOVQ n+24(FP), CX
	VBROADCASTSD eps+32(FP), Y12
	MOVQ out+40(FP), DI
	VMOVUPD (SI), Y2          // s
	VXORPD Y3, Y3, Y3         // sum
	XORQ BX, BX
sumsteps:
	CMPQ BX, CX
	JGE sumstepsdone
	VBROADCASTSD (R11)(BX*8), Y4
	VMULPD Y2, Y4, Y4         // e[j]*s
	VADDPD Y12, Y4, Y4        // + eps
	VBROADCASTSD (R10)(BX*8), Y5
	VDIVPD Y4, Y5, Y5         // c[j] / ...
	VADDPD Y5, Y3, Y3
	INCQ BX
	JMP sumsteps
sumstepsdone:
	VMOVUPD Y3, (DI)
	VZEROUPPER
	RET
