// The exclusive channels B -> M l l, one struct each: width of the decaying meson, kinematic end,
// coefficient directions and spectral functions. `with_channel` is the only place that maps the
// enum to a struct; adding a channel is one struct, one enumerator and one line there.
#pragma once

#include "kernels/channels/bkll_spectral.hpp"
#include "kernels/channels/bvll_spectral.hpp"
#include "kernels/channels/wc_shifts.hpp"

namespace bscan {

enum class Channel : int { BplusKplus = 0, B0Kstar0 = 1, kNumChannels = 2 };
inline constexpr int kNumChannels = static_cast<int>(Channel::kNumChannels);

// A channel's direction k is the raw combination dC_i + sign dC_j (flavio angular.py).
struct DirDef {
  int i, j;
  double sign;
};

// B+ -> K+ l l: four directions C9+C9', C10+C10', CS+CS', CP+CP' (flavio helicity_amps_p).
struct BToKChannel {
  BSCAN_HD static double meson_width(const PhysicsInputs& in) { return in.bplus_kplus.Gamma_B; }
  BSCAN_HD static double q2_max(const PhysicsInputs& in) { return bk_q2_max(in.bplus_kplus); }
  BSCAN_HD static constexpr int dirs(DirDef* d) {
    d[kDirC9] = {kC9, kC9p, 1.0};
    d[kDirC10] = {kC10, kC10p, 1.0};
    d[kDirCS] = {kCS, kCSp, 1.0};
    d[kDirCP] = {kCP, kCPp, 1.0};
    return kBkDirs;
  }
  // Directions whose L needs the SM vector amplitude (charm loop, flavio corrections).
  BSCAN_HD static unsigned vector_dirs() { return 1u << kDirC9; }
  BSCAN_HD static Spectral spectral(const PhysicsInputs& in, Lepton l, const KinPoint& k,
                                    bool with_vector, int /*component*/) {
    return bkll_spectral(in, in.bplus_kplus, l, k, with_vector);
  }
};

// B0 -> K*0 (-> K pi) l l: six directions C9+-C9', C10+-C10', CS-CS', CP-CP' (flavio angular.py).
struct BToKstarChannel {
  BSCAN_HD static double meson_width(const PhysicsInputs& in) { return in.b0_kstar0.Gamma_B; }
  BSCAN_HD static double q2_max(const PhysicsInputs& in) { return bv_q2_max(in.b0_kstar0); }
  BSCAN_HD static constexpr int dirs(DirDef* d) {
    d[kDirC9Plus] = {kC9, kC9p, 1.0};
    d[kDirC10Plus] = {kC10, kC10p, 1.0};
    d[kDirC9Minus] = {kC9, kC9p, -1.0};
    d[kDirC10Minus] = {kC10, kC10p, -1.0};
    d[kDirCSMinus] = {kCS, kCSp, -1.0};
    d[kDirCPMinus] = {kCP, kCPp, -1.0};
    return kKstarDirs;
  }
  BSCAN_HD static unsigned vector_dirs() {
    return 1u << kDirC9Plus | 1u << kDirC10Plus | 1u << kDirC9Minus | 1u << kDirC10Minus;
  }
  BSCAN_HD static Spectral spectral(const PhysicsInputs& in, Lepton l, const KinPoint& k,
                                    bool with_vector, int component) {
    return bvll_spectral(in, in.b0_kstar0, l, k, with_vector, component);
  }
};

// Calls f(ChannelStruct{}) for channel c.
template <class F>
BSCAN_HD auto with_channel(Channel c, F&& f) {
  static_assert(kNumChannels == 2, "a new channel needs its line in with_channel");
  switch (c) {
    case Channel::B0Kstar0:
      return f(BToKstarChannel{});
    case Channel::BplusKplus:
    case Channel::kNumChannels:
      break;
  }
  return f(BToKChannel{});
}

// Total width of the decaying meson (BR = Gamma / Gamma_B).
BSCAN_HD inline double channel_width(const PhysicsInputs& in, Channel c) {
  return with_channel(c, [&](auto ch) { return decltype(ch)::meson_width(in); });
}

}  // namespace bscan
