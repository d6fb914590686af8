#!/usr/bin/env python3
"""Derives the cancellation-free form of the ALP g-2 loop functions h1, h2 used for x > 4 in
kernels/models/alp_g2.hpp, and prints the reference values of tests/test_alp_g2.cpp.

Closed forms (x = m_a^2/m_l^2 > 4, b = sqrt(1 - 4/x), L = atanh(b)):
  h1 = 1 + 2x - x(x-1) ln x + 2x(x-3) L / b,   h2 = 1 - x/3 + x^2/6 ln x - (2+x)/3 x b L.
They cancel from O(x^2 ln x) down to h1 ~ ln(x)/x. In q = (1-b)/(1+b) (x = 2 + q + 1/q, q ~ 1/x):
  L = -ln(q)/2,  ln x = 2 ln(1+q) - ln q,  ln(1+q) = q - q^2/2 + rho,  rho = q^3 sigma(q),
and the cancelling orders drop out exactly; rho = q^3/(2(2+q)) + 2 sum_{k>=1} s^(2k+1)/(2k+1),
s = q/(2+q) (from ln(1+q) = 2 atanh(s)), so
  sigma = 1/(2(2+q)) + 2/(2+q)^3 sum_{k>=1} s^(2k-2)/(2k+1),  s <= 1/3 for x >= 4.

Usage: python3 tests/python/derive_alp_g2_series.py  (sympy, mpmath; runs in a few seconds)
"""
import mpmath as mp
import sympy as sp

N_SIGMA = 16  # terms of the sigma series in the header


def derive():
    q, lq, rho = sp.symbols("q lq rho")
    x, b = 2 + q + 1 / q, (1 - q) / (1 + q)
    L, lx = -lq / 2, 2 * (q - q**2 / 2 + rho) - lq
    h1 = 1 + 2 * x - x * (x - 1) * lx + 2 * x * (x - 3) / b * L
    h2 = 1 - x / 3 + x**2 / 6 * lx - (2 + x) / 3 * x * b * L
    for name, h in (("h1", h1), ("h2", h2)):
        parts = sp.collect(sp.expand(h), [lq, rho], evaluate=False)
        print(name + " = " + " + ".join(
            "(%s)%s" % (sp.factor(sp.simplify(v)), "" if k == 1 else " * " + str(k))
            for k, v in parts.items()))
    # ln q / (1 - q) = -(1 + b) atanh(b) / b: the ln q term of h1 is -q (1+q)^2 (1+b) ln(q) / b.


def coefficients():
    u = 1 / mp.mpf(9)  # s^2 at x = 4, the slowest case
    tail = sum(u**(k - 1) / (2 * k + 1) for k in range(N_SIGMA + 1, 200))
    print("sigma series: sum_{k=1}^{%d} s^(2k-2)/(2k+1), coefficients 1/3, 1/5, ..., 1/%d;"
          % (N_SIGMA, 2 * N_SIGMA + 1))
    print("  truncation at s = 1/3: %s of the sum, %s of sigma"
          % (mp.nstr(tail / sum(u**(k - 1) / (2 * k + 1) for k in range(1, 200)), 3),
             mp.nstr(2 / mp.mpf(27) * tail / (mp.log(2) - mp.mpf(1) / 2), 3)))


def closed_forms(x):
    """h1, h2 from the closed forms, with digits to spare for their cancellation (~x^3) and for
    atanh(b) near b = 1 (~x)."""
    x = mp.mpf(x)
    with mp.workdps(mp.mp.dps + 10 + int(5 * abs(mp.log10(x)))):
        lx = mp.log(x)
        if x > 4:
            b = mp.sqrt(1 - 4 / x)
            F = mp.atanh(b) / b
        else:
            g = mp.sqrt(4 / x - 1)
            F = mp.atan(g) / g if g else mp.mpf(1)
        return (+(1 + 2 * x - x * (x - 1) * lx + 2 * x * (x - 3) * F),
                +(1 - x / 3 + x * x / 6 * lx - (2 + x) * (x - 4) / 3 * F))


def integrals(x):
    """h1 = 2 int z^3/D, h2 = 2 + (2/x) int [(D + z^2) ln D - 2 z^2 ln z^2], D = z^2 + (1-z) x."""
    x = mp.mpf(x)

    def D(z):
        return z * z + (1 - z) * x

    pts = [0, 1 - 1 / x, 1] if x > 1 else [0, 1]
    i1 = mp.quad(lambda z: z**3 / D(z), pts)
    i2 = mp.quad(lambda z: (D(z) + z * z) * mp.log(D(z)) - 2 * z * z * mp.log(z * z), pts)
    return 2 * i1, 2 + 2 / x * i2


def q_form(x):
    """The header's x > 4 formula in mp arithmetic (sigma summed to convergence; for x < 4 it is
    the analytic continuation, b imaginary, |q| = 1)."""
    x = mp.mpf(x)
    b = mp.sqrt(1 - 4 / x)
    q = 4 / x / (1 + b)**2
    lq = mp.log(q)
    s = q / (2 + q)
    sigma = 1 / (2 * (2 + q)) + 2 / (2 + q)**3 * mp.nsum(lambda k: s**(2 * k - 2) / (2 * k + 1),
                                                         [1, mp.inf])
    h1 = q * (-(1 + q)**2 * (1 + b) * lq / b + q**3 + q**2 - 2 * q - 3
              - 2 * (1 + q)**2 * (1 + q + q * q) * sigma)
    h2 = -(1 + q) * (3 + q) / 3 * lq + (9 + 6 * q + 2 * q**2 - 2 * q**3 - q**4) / 6 \
        + q * (1 + q)**4 * sigma / 3
    return h1, h2


if __name__ == "__main__":
    mp.mp.dps = 50
    derive()
    coefficients()
    print("reference values (closed forms at >= 60 digits; q form and integrals agree to):")
    for x in ["3.999", "4.001", "31", "100", "1e3", "1e5", "1e8", "1e12", "1e30"]:
        c, f, i = closed_forms(x), q_form(x), integrals(x)
        dev = [max(abs(h[j] / c[j] - 1) for j in range(2)) for h in (f, i)]
        print("  {%s, %s, %s},  // q form %s, quad %s" % (
            x, mp.nstr(c[0], 17, strip_zeros=False), mp.nstr(c[1], 17, strip_zeros=False),
            mp.nstr(dev[0], 2), mp.nstr(dev[1], 2)))
    for x in ["4", "16/3"]:  # the switch points of the header (x > 4; b = 1/2)
        x = mp.mpf(4) if x == "4" else mp.mpf(16) / 3
        c = closed_forms(x)
        print("  x = %s: h1 = %s, h2 = %s" % (mp.nstr(x, 17), mp.nstr(c[0], 17), mp.nstr(c[1], 17)))
