#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// Weighted reciprocal-rank fusion (ktx-spec §5): a candidate gains
// weight / (k + rank) from every lane that ranked it (rank 1-based, k = 60).
// Ties sort by the number of lanes that found the candidate, then by id.
class ReciprocalRankFusion
{
public:
    static constexpr int K = 60;

    struct Lane
    {
        QString name;
        double weight = 1.0;
        QStringList ranked; // candidate ids, best first; duplicates after the first are ignored
    };

    struct Candidate
    {
        QString id;
        double score = 0;
        QStringList lanes; // lanes that ranked it, in lane order
        QHash<QString, int> ranks; // lane -> 1-based rank
    };

    static QList<Candidate> fuse(const QList<Lane> &lanes);
};

} // namespace ktx
