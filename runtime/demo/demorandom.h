#pragma once

#include <QtGlobal>

#include <cstddef>
#include <initializer_list>
#include <span>

namespace ktx {

// A small, fully specified pseudo-random generator (SplitMix64) for the demo data.
// The standard <random> distributions are implementation-defined, so the same seed
// could give different data with another standard library; every mapping here is
// plain integer arithmetic (plus exact 53-bit doubles for chance()).
class DemoRandom
{
public:
    explicit DemoRandom(quint64 seed)
        : m_state(seed)
    { }

    // An independent stream per generation stage, so changing how one table is
    // generated does not shift the values of every table generated after it.
    static DemoRandom stream(quint64 seed, quint64 streamId);

    quint64 next();
    // Uniform in [0, bound); bound must be > 0. Unbiased (rejection sampling).
    quint64 below(quint64 bound);
    // Uniform in [low, high], both inclusive.
    qint64 between(qint64 low, qint64 high);
    // Uniform in [0, 1) with 53 random bits.
    double unit();
    bool chance(double probability) { return unit() < probability; }
    // Index drawn with probability weights[i] / sum(weights); weights are >= 0.
    std::size_t weighted(std::span<const int> weights);
    std::size_t weighted(std::initializer_list<int> weights)
    {
        return weighted(std::span<const int>(weights.begin(), weights.size()));
    }
    // Index drawn from running totals (cumulative[i] = w0 + … + wi), via binary search.
    std::size_t cumulative(std::span<const quint64> cumulative);

private:
    quint64 m_state;
};

} // namespace ktx
