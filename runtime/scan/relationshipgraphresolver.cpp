#include "scan/relationshipgraphresolver.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace ktx {

namespace {

QString edgeKey(const Relationship &relationship)
{
    return relationship.id();
}

} // namespace

QList<Relationship>
RelationshipGraphResolver::removeFormalDuplicates(QList<Relationship> &formal,
                                                  const QList<Relationship> &inferred)
{
    QHash<QString, qsizetype> formalByEdge;
    for (qsizetype i = 0; i < formal.size(); ++i)
        formalByEdge.insert(edgeKey(formal.at(i)), i);
    QList<Relationship> kept;
    for (const Relationship &candidate : inferred) {
        const auto it = formalByEdge.constFind(edgeKey(candidate));
        if (it == formalByEdge.cend()) {
            kept.append(candidate);
            continue;
        }
        Relationship &declared = formal[it.value()];
        for (const QString &source : candidate.candidateSources) {
            if (!declared.candidateSources.contains(source))
                declared.candidateSources.append(source);
        }
        std::sort(declared.candidateSources.begin(), declared.candidateSources.end());
    }
    return kept;
}

bool RelationshipGraphResolver::ranksAbove(const Relationship &a, const Relationship &b)
{
    if (a.referencesKey() != b.referencesKey())
        return a.referencesKey();
    if (a.sameColumnNames() != b.sameColumnNames())
        return a.sameColumnNames();
    // "customers" over "dim_customers_archive" for customer_id: the closer name.
    if (a.scoringSignals.nameSimilarity != b.scoringSignals.nameSimilarity)
        return a.scoringSignals.nameSimilarity > b.scoringSignals.nameSimilarity;
    if (a.score != b.score)
        return a.score > b.score;
    if (a.confidence != b.confidence)
        return a.confidence > b.confidence;
    if (a.targetKeyScore != b.targetKeyScore)
        return a.targetKeyScore > b.targetKeyScore;
    return a.id() < b.id();
}

void RelationshipGraphResolver::resolve(QList<Relationship> &relationships)
{
    QList<Relationship> formal;
    QList<Relationship> inferred;
    for (const Relationship &relationship : std::as_const(relationships)) {
        if (relationship.origin == Relationship::Origin::Formal)
            formal.append(relationship);
        else
            inferred.append(relationship);
    }
    inferred = removeFormalDuplicates(formal, inferred);

    QSet<QString> declaredSources;
    for (const Relationship &relationship : std::as_const(formal))
        declaredSources.insert(relationship.from.key());

    const auto demote = [](Relationship &relationship, const QString &reason) {
        relationship.status = Relationship::Status::Review;
        relationship.reasons.removeAll(QStringLiteral("validated"));
        relationship.reasons.append(reason);
    };

    QHash<QString, QList<qsizetype>> acceptedBySource;
    for (qsizetype i = 0; i < inferred.size(); ++i) {
        Relationship &relationship = inferred[i];
        if (relationship.status != Relationship::Status::Accepted)
            continue;
        if (declaredSources.contains(relationship.from.key())) {
            demote(relationship, QStringLiteral("source_has_declared_key"));
            continue;
        }
        acceptedBySource[relationship.from.key()].append(i);
    }
    for (auto it = acceptedBySource.begin(); it != acceptedBySource.end(); ++it) {
        QList<qsizetype> &indexes = it.value();
        if (indexes.size() < 2)
            continue;
        std::sort(indexes.begin(), indexes.end(), [&](qsizetype a, qsizetype b) {
            return ranksAbove(inferred.at(a), inferred.at(b));
        });
        for (qsizetype k = 1; k < indexes.size(); ++k)
            demote(inferred[indexes.at(k)], QStringLiteral("competing_target"));
    }

    relationships = formal + inferred;
}

} // namespace ktx
