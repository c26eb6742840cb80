#pragma once

#include "scan/relationship.h"

#include <QList>

namespace ktx {

// Resolves competing relationships into a consistent graph:
// - an inferred edge that restates a declared foreign key is dropped (its
//   evidence is merged into the formal one), and a column with a declared key
//   gets no other accepted target;
// - when one source column has several accepted targets, the best one stays
//   accepted and the others are demoted to review ("competing_target"). Best:
//   a key-like target first (the original's pkScore >= 0.78), then a target
//   column with the source column's own name, then the closer name match, score,
//   confidence, key score, id.
class RelationshipGraphResolver
{
public:
    // Returns `inferred` without the edges that duplicate one in `formal`.
    static QList<Relationship> removeFormalDuplicates(QList<Relationship> &formal,
                                                      const QList<Relationship> &inferred);
    static void resolve(QList<Relationship> &relationships);
    // Ranking among accepted edges from one source column.
    static bool ranksAbove(const Relationship &a, const Relationship &b);
};

} // namespace ktx
