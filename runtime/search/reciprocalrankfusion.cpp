#include "search/reciprocalrankfusion.h"

#include <algorithm>
#include <cmath>

namespace ktx {

QList<ReciprocalRankFusion::Candidate> ReciprocalRankFusion::fuse(const QList<Lane> &lanes)
{
    QHash<QString, qsizetype> index;
    QList<Candidate> out;
    for (const Lane &lane : lanes) {
        int rank = 0;
        for (const QString &id : lane.ranked) {
            auto found = index.constFind(id);
            if (found == index.cend()) {
                found = index.insert(id, out.size());
                out.append(Candidate {id, 0, {}, {}});
            }
            Candidate &candidate = out[*found];
            if (candidate.ranks.contains(lane.name))
                continue;
            ++rank;
            candidate.ranks.insert(lane.name, rank);
            candidate.lanes << lane.name;
            candidate.score += lane.weight / double(K + rank);
        }
    }
    std::sort(out.begin(), out.end(), [](const Candidate &a, const Candidate &b) {
        // Sums of the same fractions in a different order may differ in the last bit.
        if (std::abs(a.score - b.score) > 1e-12)
            return a.score > b.score;
        if (a.lanes.size() != b.lanes.size())
            return a.lanes.size() > b.lanes.size();
        return a.id < b.id;
    });
    return out;
}

} // namespace ktx
