#include "host/plan/observables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <regex>

#include "host/config/numbers.hpp"
#include "host/errors.hpp"

namespace bscan {
namespace {

// The channels as ids name them (the device side is kernels/channels/channel.hpp).
struct ChannelInfo {
  Channel channel;
  const char* id;     // "B+->K+"
  const char* latex;  // "B^+\\to K^+"
  const char* ratio;  // "RK": BR(mumu)/BR(ee)
  const char* ratio_latex;
  bool angular;  // FL, AFB, P5p exist (a vector meson)
};
constexpr ChannelInfo kChannels[] = {
    {Channel::BplusKplus, "B+->K+", "B^+\\to K^+", "RK", "K", false},
    {Channel::B0Kstar0, "B0->K*0", "B^0\\to K^{*0}", "RKstar", "K^*", true},
};
static_assert(std::size(kChannels) == kNumChannels, "every channel needs its ids");

struct DecayInfo {
  Decay decay;
  const char* id;
  const char* latex;
};
constexpr DecayInfo kDecayInfo[] = {
    {Decay::ee, "ee", "e^+e^-"},
    {Decay::mumu, "mumu", "\\mu^+\\mu^-"},
    {Decay::gammagamma, "gammagamma", "\\gamma\\gamma"},
    {Decay::invisible, "invisible", "\\mathrm{inv.}"},
};
static_assert(std::size(kDecayInfo) == kNumDecays, "every decay needs its id");

const ChannelInfo& channel_by_id(const std::string& s) {
  for (const ChannelInfo& c : kChannels)
    if (s == c.id || s == c.ratio) return c;
  throw InputError(fmt::format("unknown channel '{}'", s));
}

const DecayInfo& decay_by_id(const std::string& s) {
  for (const DecayInfo& d : kDecayInfo)
    if (s == d.id) return d;
  throw InputError(fmt::format("unknown final state '{}'", s));
}

Lepton lepton_of(const std::string& s) { return s == "ee" ? Lepton::e : Lepton::mu; }
const char* lepton_latex(Lepton l) { return kDecayInfo[static_cast<int>(lepton_decay(l))].latex; }

std::string regex_escape(const std::string& s) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(s, special, R"(\$&)");
}

// Placeholders of the grammars: {CH} a channel, {R} a ratio name, {L} a lepton pair, {F} a final
// state of the particle, {X} the particle's symbol, {N} a number, {Q} a number or `q2` (the scan's
// q2 axis), {S} the optional {smear}.
std::string expand(std::string pattern, const ModelInfo& model) {
  std::string ch, ratios, decays;
  for (const ChannelInfo& c : kChannels) {
    ch += (ch.empty() ? "" : "|") + regex_escape(c.id);
    ratios += (ratios.empty() ? "" : "|") + regex_escape(c.ratio);
  }
  for (const DecayInfo& d : kDecayInfo) decays += (decays.empty() ? "" : "|") + std::string(d.id);
  const std::map<std::string, std::string> sub = {
      {"{CH}", "(" + ch + ")"},
      {"{R}", "(" + ratios + ")"},
      {"{L}", "(ee|mumu)"},
      {"{F}", "(" + decays + ")"},
      {"{X}", regex_escape(model.symbol)},
      // Numbers with one way to match each digit (no backtracking over the split of a digit
      // run: 600 digits took 20 s, found by fuzz_observable).
      {"{N}", R"(([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?))"},
      {"{Q}", R"(([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|q2))"},
      {"{S}", R"((\{smear\})?)"}};
  for (const auto& [key, value] : sub)
    for (std::size_t at; (at = pattern.find(key)) != std::string::npos;)
      pattern.replace(at, key.size(), value);
  return "^" + pattern + "$";
}

double to_number(const std::string& id, const std::string& s) {
  if (s == "q2") throw InputError("'q2' (the scan's axis) stands for one q2, not a bin edge");
  return parse_number(s, fmt::format("observable '{}'", id));
}

// Refuses a q2 (lo == hi) or a bin of q2 that lies outside the pair's kinematic range in the
// channel: there the rate is zero and ratios of rates 0/0.
void check_in_range(const std::string& id, Channel channel, Lepton l, double lo, double hi,
                    const PhysicsInputs& in) {
  const Q2Range r = kinematic_range(channel, l, in);
  const bool inside = lo == hi ? lo > r.lo && lo < r.hi : lo < r.hi && hi > r.lo;
  if (inside) return;
  throw InputError(fmt::format(
      "observable '{}': q2 {} lies outside the kinematic range {:.4g} < q2 < {:.4g} GeV^2 of "
      "{}{}",
      id, lo == hi ? fmt::format("= {}", lo) : fmt::format("in [{}, {}]", lo, hi), r.lo, r.hi,
      kChannels[static_cast<int>(channel)].id, kDecayInfo[static_cast<int>(lepton_decay(l))].id));
}

// One q2 of a differential observable inside the kinematic range of the channel with each of
// `leptons`, or `q2` for the scan's axis (checked against its values by the plan).
double q2_at(const std::string& id, const std::string& s, Channel channel,
             std::initializer_list<Lepton> leptons, const PhysicsInputs& in) {
  if (s == "q2") return kQ2FromAxis;
  const double q2 = parse_number(s, fmt::format("observable '{}'", id));
  for (Lepton l : leptons) check_in_range(id, channel, l, q2, q2, in);
  return q2;
}

// A bin of the channel's q2 with the pair l: ordered, and overlapping the kinematic range.
Bin q2_bin(const std::string& id, Channel channel, double lo, double hi, bool smear, Lepton l,
           const SmearingResolutions& res, const PhysicsInputs& in) {
  if (!(lo >= 0.0) || !(hi > lo))
    throw InputError(fmt::format("observable '{}': the bin needs 0 <= q2_min < q2_max", id));
  check_in_range(id, channel, l, lo, hi, in);
  return {lo, hi, smear ? (l == Lepton::e ? res.r_e : res.r_mu) : 0.0};
}

RateTerm binned(Channel c, Lepton l, Bin b) { return {c, l, TermKind::binned, b, 0.0}; }

bool same_term(const RateTerm& a, const RateTerm& b) {
  return a.channel == b.channel && a.lepton == b.lepton && a.kind == b.kind &&
         a.component == b.component && a.bin.q2_lo == b.bin.q2_lo && a.bin.q2_hi == b.bin.q2_hi &&
         a.bin.r == b.bin.r && a.q2 == b.q2;
}

struct Ctx {
  const std::string& id;
  const std::smatch& m;
  const ModelInfo& model;
  const SmearingResolutions& res;
  const PhysicsInputs& in;
  const std::string& x;  // the particle's symbol, LaTeX
};

// One observable kind: grammar, the line `bscan list observables` prints, whether it needs a new
// particle, and how a match becomes a spec (LaTeX label, unit, evaluator, rate terms).
struct ObservableKind {
  const char* grammar;
  const char* example;  // for `bscan list observables`: an id, then what it means
  const char* help;
  bool particle;
  ObservableSpec (*build)(const Ctx&);
};

ObservableSpec binned_br(const Ctx& c) {
  const ChannelInfo& ch = channel_by_id(c.m[1]);
  const Lepton l = lepton_of(c.m[2]);
  const Bin b = q2_bin(c.id, ch.channel, to_number(c.id, c.m[3]), to_number(c.id, c.m[4]),
                       c.m[5].matched, l, c.res, c.in);
  return {c.id,
          fmt::format("\\mathcal{{B}}({}{})_{{[{},{}]}}", ch.latex, lepton_latex(l), c.m[3].str(),
                      c.m[4].str()),
          "1",
          OpKind::term,
          {binned(ch.channel, l, b)},
          1.0 / channel_width(c.in, ch.channel)};
}

ObservableSpec differential_br(const Ctx& c) {
  const ChannelInfo& ch = channel_by_id(c.m[1]);
  const Lepton l = lepton_of(c.m[2]);
  const double q2 = q2_at(c.id, c.m[3], ch.channel, {l}, c.in);
  return {c.id,
          fmt::format("d\\mathcal{{B}}/dq^2({}{})", ch.latex, lepton_latex(l)),
          "GeV^-2",
          OpKind::term,
          {{ch.channel, l, TermKind::differential, {}, q2}},
          1.0 / channel_width(c.in, ch.channel)};
}

ObservableSpec lepton_ratio(const Ctx& c) {
  const ChannelInfo& ch = channel_by_id(c.m[1]);
  const double lo = to_number(c.id, c.m[2]), hi = to_number(c.id, c.m[3]);
  const bool smear = c.m[4].matched;
  return {c.id,
          fmt::format("R_{{{}}}^{{[{},{}]}}", ch.ratio_latex, c.m[2].str(), c.m[3].str()),
          "1",
          OpKind::term_ratio,
          {binned(ch.channel, Lepton::mu,
                  q2_bin(c.id, ch.channel, lo, hi, smear, Lepton::mu, c.res, c.in)),
           binned(ch.channel, Lepton::e,
                  q2_bin(c.id, ch.channel, lo, hi, smear, Lepton::e, c.res, c.in))}};
}

// R_K(*)(q2): the ratio of the differential rates.
ObservableSpec differential_ratio(const Ctx& c) {
  const ChannelInfo& ch = channel_by_id(c.m[1]);
  const double q2 = q2_at(c.id, c.m[2], ch.channel, {Lepton::mu, Lepton::e}, c.in);
  return {c.id,
          fmt::format("R_{{{}}}(q^2)", ch.ratio_latex),
          "1",
          OpKind::term_ratio,
          {{ch.channel, Lepton::mu, TermKind::differential, {}, q2},
           {ch.channel, Lepton::e, TermKind::differential, {}, q2}}};
}

// Ratios of (bin-integrated) CP-averaged angular coefficients, as flavio defines them.
ObservableSpec angular(const Ctx& c) {
  const std::string name = c.m[1];
  const ChannelInfo& ch = channel_by_id(c.m[2]);
  if (!ch.angular)
    throw InputError(fmt::format("observable '{}': {} has no angular observables", c.id, ch.id));
  const Lepton l = lepton_of(c.m[3]);
  const bool is_bin = c.m[5].matched;
  RateTerm t{ch.channel, l, is_bin ? TermKind::binned : TermKind::differential, {}, 0.0};
  if (is_bin) {
    t.bin = q2_bin(c.id, ch.channel, to_number(c.id, c.m[4]), to_number(c.id, c.m[5]),
                   c.m[6].matched, l, c.res, c.in);
  } else {
    t.q2 = q2_at(c.id, c.m[4], ch.channel, {l}, c.in);
    if (c.m[6].matched)
      throw InputError(fmt::format("observable '{}': no {{smear}} at one q2", c.id));
  }
  auto with = [t](int k) {
    RateTerm u = t;
    u.component = k;
    return u;
  };
  if (name == "FL")
    return {c.id,
            fmt::format("F_L({}{})", ch.latex, lepton_latex(l)),
            "1",
            OpKind::fl,
            {with(kJ2c), with(kRate)}};
  if (name == "AFB")
    return {c.id,
            fmt::format("A_{{FB}}({}{})", ch.latex, lepton_latex(l)),
            "1",
            OpKind::afb,
            {with(kJ6s), with(kJ6c), with(kRate)}};
  // flavio bvll/observables.py, LHCb convention: P_i = S_i^exp / J2s with S^exp = -J for J4,
  // J6s, J7, J9; P1 = J3/2, P2 = -J6s/8, P3 = J9/4 over J2s; P'_i = S_i^exp / (2 sqrt(-J2s J2c)).
  struct PDef {
    const char* name;
    const char* latex;
    int component;
    double scale;
    bool prime;
  };
  static constexpr PDef kP[] = {{"P1", "P_1", kJ3, 0.5, false},  {"P2", "P_2", kJ6s, -0.125, false},
                                {"P3", "P_3", kJ9, 0.25, false}, {"P4p", "P_4'", kJ4, -1.0, true},
                                {"P5p", "P_5'", kJ5, 1.0, true}, {"P6p", "P_6'", kJ7, -1.0, true},
                                {"P8p", "P_8'", kJ8, 1.0, true}};
  const PDef& d =
      *std::find_if(std::begin(kP), std::end(kP), [&](const PDef& x) { return name == x.name; });
  ObservableSpec spec{c.id, fmt::format("{}({}{})", d.latex, ch.latex, lepton_latex(l)), "1",
                      d.prime ? OpKind::p_prime : OpKind::p_ratio,
                      d.prime ? std::vector<RateTerm>{with(d.component), with(kJ2s), with(kJ2c)}
                              : std::vector<RateTerm>{with(d.component), with(kJ2s)}};
  spec.scale = d.scale;
  return spec;
}

// BR(B_q -> l l): `meson` is the LaTeX of B_q.
ObservableSpec leptonic(const Ctx& c, OpKind kind, const char* meson) {
  const Lepton l = lepton_of(c.m[1]);
  return {c.id,
          fmt::format("\\overline{{\\mathcal{{B}}}}({}\\to {})", meson, lepton_latex(l)),
          "1",
          kind,
          {},
          1.0,
          static_cast<int>(l)};
}

ObservableSpec bs_ll(const Ctx& c) { return leptonic(c, OpKind::bs_ll, "B_s"); }
ObservableSpec bd_ll(const Ctx& c) { return leptonic(c, OpKind::bd_ll, "B^0"); }

void require_decay(const Ctx& c, const DecayInfo& f) {
  if (!c.model.decays_into(f.decay))
    throw InputError(fmt::format("observable '{}': {} of model '{}' does not decay into {}", c.id,
                                 c.model.symbol, c.model.name, f.id));
}

// BR(B -> M X) BR(X -> f) times the fraction of the peak inside the m^2 window (paper 000
// Eq. 4.18; the whole peak without a window): the quantity resonance searches bound.
ObservableSpec on_shell(const Ctx& c) {
  const ChannelInfo& ch = channel_by_id(c.m[1]);
  const DecayInfo& f = decay_by_id(c.m[2]);
  require_decay(c, f);
  ObservableSpec s{c.id, "", "1", OpKind::on_shell, {}, 1.0, static_cast<int>(ch.channel)};
  s.final_state = static_cast<int>(f.decay);
  if (!c.m[3].matched) {
    s.latex = fmt::format("\\mathcal{{B}}({}{})\\,\\mathcal{{B}}({}\\to {})", ch.latex, c.x, c.x,
                          f.latex);
    s.bin = {0.0, INFINITY, 0.0};
    return s;
  }
  const bool lepton = f.decay == Decay::ee || f.decay == Decay::mumu;
  if (c.m[5].matched && !lepton)
    throw InputError(
        fmt::format("observable '{}': {{smear}} needs a lepton pair (a mass resolution)", c.id));
  s.latex = fmt::format("\\mathcal{{B}}({}{})\\,\\mathcal{{B}}({}\\to {})_{{[{},{}]}}", ch.latex,
                        c.x, c.x, f.latex, c.m[3].str(), c.m[4].str());
  const Lepton l = f.decay == Decay::mumu ? Lepton::mu : Lepton::e;  // photons: from ~0
  s.bin = q2_bin(c.id, ch.channel, to_number(c.id, c.m[3]), to_number(c.id, c.m[4]), c.m[5].matched,
                 l, c.res, c.in);
  return s;
}

// BR(B -> M X(-> invisible)) with the pair's q2 in the bin, X off shell (docs/physics.md).
ObservableSpec off_shell(const Ctx& c) {
  const ChannelInfo& ch = channel_by_id(c.m[1]);
  const DecayInfo& f = decay_by_id("invisible");
  require_decay(c, f);
  const double lo = to_number(c.id, c.m[2]), hi = to_number(c.id, c.m[3]);
  if (!(lo >= 0.0 && hi > lo))
    throw InputError(fmt::format("observable '{}': needs 0 <= q2min < q2max", c.id));
  const double end = kinematic_range(ch.channel, Lepton::e, c.in).hi;
  if (!(lo < end))
    throw InputError(fmt::format(
        "observable '{}': q2 in [{}, {}] lies beyond the kinematic end {:.4g} GeV^2 of {}", c.id,
        lo, hi, end, ch.id));
  ObservableSpec s{c.id,
                   fmt::format("\\mathcal{{B}}({}\\,{})_{{[{},{}]}}", ch.latex, f.latex,
                               c.m[2].str(), c.m[3].str()),
                   "1",
                   OpKind::off_shell,
                   {},
                   1.0,
                   static_cast<int>(ch.channel)};
  s.final_state = static_cast<int>(f.decay);
  s.bin = {lo, hi, 0.0};
  return s;
}

ObservableSpec particle_width(const Ctx& c) {
  return {c.id, fmt::format("\\Gamma_{}", c.x), "GeV", OpKind::particle_width, {}, 1.0, -1};
}

ObservableSpec width_over_mass(const Ctx& c) {
  return {c.id, fmt::format("\\Gamma_{}/m_{}", c.x, c.x), "1", OpKind::width_over_mass, {}, 1.0,
          -1};
}

ObservableSpec particle_br(const Ctx& c) {
  const DecayInfo& f = decay_by_id(c.m[1]);
  require_decay(c, f);
  return {c.id,
          fmt::format("\\mathcal{{B}}({}\\to {})", c.x, f.latex),
          "1",
          OpKind::particle_br,
          {},
          1.0,
          static_cast<int>(f.decay)};
}

ObservableSpec production_br(const Ctx& c) {
  const ChannelInfo& ch = channel_by_id(c.m[1]);
  return {c.id,
          fmt::format("\\mathcal{{B}}({} {})", ch.latex, c.x),
          "1",
          OpKind::production_br,
          {},
          1.0,
          static_cast<int>(ch.channel)};
}

// In matching order; parameters and model quantities are looked up after these.
const ObservableKind kKinds[] = {
    {R"(BR\({CH}{L}\)\[{N},{N}\]{S})", "BR(B+->K+ee)[q2min,q2max]",
     "binned branching ratio, q2 in GeV^2; append {smear} for resolution; also mumu and B0->K*0",
     false, binned_br},
    {R"(dBR/dq2\({CH}{L}\)\[{Q}\])", "dBR/dq2(B+->K+ee)[q2]",
     "differential branching ratio [GeV^-2] at a q2 or at the scan's axis `q2` (also mumu, "
     "B0->K*0)",
     false, differential_br},
    {R"({R}\[{Q}\])", "RK[q2]", "dBR(mumu)/dBR(ee) at a q2 or at the scan's axis `q2`; also RKstar",
     false, differential_ratio},
    {R"({R}\[{N},{N}\]{S})", "RK[q2min,q2max]",
     "BR(mumu)/BR(ee) in the bin; {smear} allowed; also RKstar", false, lepton_ratio},
    {R"((FL|AFB|P1|P2|P3|P4p|P5p|P6p|P8p)\({CH}{L}\)\[{Q}(?:,{N})?\]{S})",
     "FL/AFB/P1/P2/P3/P4p/P5p/P6p/P8p(B0->K*0mumu)[q2min,q2max] or [q2]",
     "angular observables of B0->K*0 (flavio's definitions, LHCb convention)", false, angular},
    {R"(BR\(Bs->{L}\))", "BR(Bs->mumu), BR(Bs->ee)", "time-integrated (untagged) branching ratio",
     false, bs_ll},
    {R"(BR\(B0->{L}\))", "BR(B0->mumu), BR(B0->ee)",
     "time-integrated branching ratio in the SM (the models shift b -> s only)", false, bd_ll},
    {R"(BR\({CH}{X}\({F}\)\)(?:\[{N},{N}\]{S})?)", "BR(B+->K+{X}(mumu))[m2min,m2max]",
     "BR(B->M {X}) BR({X}->f) x fraction of the peak in the m^2 window ({smear}: Gaussian; no "
     "window: the whole peak); also B0->K*0 and the other decays",
     true, on_shell},
    {R"(BR\({CH}invisible\)\[{N},{N}\])", "BR(B+->K+invisible)[q2min,q2max]",
     "BR(B->M {X}(invisible)), pair q2 in the bin, {X} off shell (any width); also B0->K*0", true,
     off_shell},
    {R"(Gamma_{X})", "Gamma_{X}", "total width of {X} [GeV]", true, particle_width},
    {R"(Gamma_{X}/m_{X})", "Gamma_{X}/m_{X}", "its width over its mass", true, width_over_mass},
    {R"(BR\({X}->{F}\))", "BR({X}->mumu)", "branching ratio of {X} (decays: {F})", true,
     particle_br},
    {R"(BR\({CH}{X}\))", "BR(B+->K+{X}), BR(B0->K*0{X})", "production branching ratio", true,
     production_br},
};

const std::regex& compiled(const ObservableKind& k, const ModelInfo& model) {
  static thread_local std::map<std::string, std::regex> cache;
  const std::string pattern = expand(k.grammar, model);
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

std::string help_line(const ObservableKind& k, const ModelInfo& model) {
  std::string decays;
  for (const DecayInfo& d : kDecayInfo)
    if (model.decays_into(d.decay)) decays += (decays.empty() ? "" : ", ") + std::string(d.id);
  auto fill = [&](std::string s) {
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"{X}", model.symbol}, {"{F}", decays}})
      for (std::size_t at; (at = s.find(key)) != std::string::npos;)
        s.replace(at, key.size(), value);
    return s;
  };
  return fmt::format("{:<30} {}", fill(k.example), fill(k.help));
}

}  // namespace

Q2Range kinematic_range(Channel channel, Lepton l, const PhysicsInputs& in) {
  const double m = in.m_lepton[static_cast<int>(l)];
  return {4.0 * m * m, with_channel(channel, [&](auto ch) { return decltype(ch)::q2_max(in); })};
}

ObservableSpec parse_observable(const std::string& id, const ModelInfo& model,
                                const SmearingResolutions& res, const PhysicsInputs& in) {
  // std::regex recurses per character: a long enough id would overflow the stack.
  constexpr std::size_t kMaxIdLength = 200;
  if (id.size() > kMaxIdLength)
    throw InputError(fmt::format("observable '{}...': an id has at most {} characters, this one {}",
                                 id.substr(0, 40), kMaxIdLength, id.size()));
  std::smatch m;
  for (const ObservableKind& k : kKinds) {
    if (k.particle) continue;
    if (std::regex_match(id, m, compiled(k, model))) return k.build({id, m, model, res, in, ""});
  }
  if (const std::optional<int> k = model.param_index(id)) {
    const ParamInfo& p = model.params[*k];
    return {id, p.latex, p.unit, OpKind::parameter, {}, 1.0, *k};
  }
  if (model.has_particle())
    for (const ObservableKind& k : kKinds) {
      if (!k.particle) continue;
      if (std::regex_match(id, m, compiled(k, model)))
        return k.build({id, m, model, res, in, model.symbol_latex});
    }
  if (const QuantityInfo* q = model.quantity(id))
    return {id, q->latex, q->unit, OpKind::quantity, {}, 1.0, q->index};
  throw InputError(fmt::format(
      "unknown observable '{}' for model '{}' (see `bscan list observables`)", id, model.name));
}

std::vector<std::string> observable_grammar(const ModelInfo& model) {
  std::vector<std::string> out;
  for (const ObservableKind& k : kKinds)
    if (!k.particle) out.push_back(help_line(k, model));
  out.push_back(fmt::format("{:<30} any parameter of the model, e.g. {}", "PARAMETER",
                            model.params.front().name));
  if (model.has_particle())
    for (const ObservableKind& k : kKinds)
      if (k.particle) out.push_back(help_line(k, model));
  for (const QuantityInfo& q : model.quantities)
    out.push_back(fmt::format("{:<30} model quantity [{}]", q.id, q.unit));
  return out;
}

std::vector<std::string> particle_observables(const ModelInfo& model) {
  std::vector<std::string> out;
  if (!model.has_particle()) return out;
  out.push_back("Gamma_" + model.symbol);
  for (const DecayInfo& d : kDecayInfo)
    if (model.decays_into(d.decay)) out.push_back(fmt::format("BR({}->{})", model.symbol, d.id));
  for (const ChannelInfo& c : kChannels) out.push_back(fmt::format("BR({}{})", c.id, model.symbol));
  return out;
}

CompiledObservables compile_observables(const std::vector<ObservableSpec>& specs) {
  CompiledObservables out;
  auto index_of = [&](const RateTerm& t) {
    for (std::size_t i = 0; i < out.terms.size(); ++i)
      if (same_term(out.terms[i], t)) return static_cast<int>(i);
    out.terms.push_back(t);
    return static_cast<int>(out.terms.size() - 1);
  };
  for (const ObservableSpec& s : specs) {
    ObservableOp op{s.kind, -1, -1, -1, s.quantity, s.scale, s.bin};
    if (s.kind == OpKind::on_shell || s.kind == OpKind::off_shell) op.t0 = s.final_state;
    if (!s.terms.empty()) op.t0 = index_of(s.terms[0]);
    if (s.terms.size() > 1) op.t1 = index_of(s.terms[1]);
    if (s.terms.size() > 2) op.t2 = index_of(s.terms[2]);
    out.ops.push_back(op);
  }
  if (out.terms.size() > static_cast<std::size_t>(kMaxTerms))
    throw InputError(fmt::format(
        "the {} observables (the config's and its measurement set's) need {} distinct rate terms, "
        "at most {}: store fewer observables or split the scan (docs/robustness.md)",
        specs.size(), out.terms.size(), kMaxTerms));
  return out;
}

}  // namespace bscan
