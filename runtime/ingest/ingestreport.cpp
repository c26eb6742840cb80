#include "ingest/ingestreport.h"

namespace ktx {

QJsonObject IngestAction::toJson() const
{
    QJsonObject o {{QStringLiteral("target"), target},
                   {QStringLiteral("type"), type},
                   {QStringLiteral("key"), key},
                   {QStringLiteral("path"), path},
                   {QStringLiteral("detail"), detail},
                   {QStringLiteral("rawPaths"), QJsonArray::fromStringList(rawPaths)}};
    o.insert(QStringLiteral("targetConnectionId"),
             targetConnectionId.isEmpty() ? QJsonValue() : QJsonValue(targetConnectionId));
    return o;
}

QJsonObject WorkUnitReport::toJson() const
{
    QJsonArray a;
    for (const IngestAction &action : actions)
        a.append(action.toJson());
    QJsonObject o {
        {QStringLiteral("unitKey"), unitKey},
        {QStringLiteral("rawFiles"), QJsonArray::fromStringList(rawFiles)},
        {QStringLiteral("status"), status},
        {QStringLiteral("cached"), cached},
        {QStringLiteral("steps"), steps},
        {QStringLiteral("toolCalls"), toolCalls},
        {QStringLiteral("durationMs"), double(durationMs)},
        {QStringLiteral("actions"), a},
        {QStringLiteral("touchedSlSources"), QJsonArray::fromStringList(touchedSlSources)}};
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    if (inputTokens > 0 || outputTokens > 0)
        o.insert(QStringLiteral("usage"),
                 QJsonObject {{QStringLiteral("input"), double(inputTokens)},
                              {QStringLiteral("output"), double(outputTokens)}});
    if (costUsd >= 0)
        o.insert(QStringLiteral("costUsd"), costUsd);
    return o;
}

const QStringList &ReconciliationRecord::kinds()
{
    static const QStringList k {
        QStringLiteral("structural_duplicate"), QStringLiteral("near_duplicate"),
        QStringLiteral("definitional_contradiction"), QStringLiteral("re_ingest_change")};
    return k;
}

QJsonObject ReconciliationRecord::toJson() const
{
    QJsonObject o {{QStringLiteral("kind"), kind},
                   {QStringLiteral("artifactKey"), artifactKey},
                   {QStringLiteral("detail"), detail},
                   {QStringLiteral("flaggedForHuman"), flaggedForHuman}};
    if (!unitKey.isEmpty())
        o.insert(QStringLiteral("unitKey"), unitKey);
    if (!contestedKey.isEmpty())
        o.insert(QStringLiteral("contestedKey"), contestedKey);
    return o;
}

QJsonObject GatePrune::toJson() const
{
    return {{QStringLiteral("kind"), kind},
            {QStringLiteral("artifact"), artifact},
            {QStringLiteral("removedRef"), removedRef},
            {QStringLiteral("absentTarget"), absentTarget},
            {QStringLiteral("action"), action},
            {QStringLiteral("detail"), detail}};
}

QJsonObject EvictionApplied::toJson() const
{
    return {{QStringLiteral("rawPath"), rawPath},
            {QStringLiteral("artifactKind"), artifactKind},
            {QStringLiteral("artifactKey"), artifactKey},
            {QStringLiteral("path"), path},
            {QStringLiteral("action"), action},
            {QStringLiteral("reason"), reason}};
}

QJsonObject ProvenanceRow::toJson() const
{
    const auto orNull = [](const QString &s) {
        return s.isEmpty() ? QJsonValue() : QJsonValue(s);
    };
    return {{QStringLiteral("rawPath"), rawPath},
            {QStringLiteral("rawContentHash"), rawContentHash},
            {QStringLiteral("artifactKind"), orNull(artifactKind)},
            {QStringLiteral("artifactKey"), orNull(artifactKey)},
            {QStringLiteral("targetConnectionId"), orNull(targetConnectionId)},
            {QStringLiteral("actionType"), actionType}};
}

QJsonObject IngestReport::toJson() const
{
    const auto array = [](const auto &list) {
        QJsonArray a;
        for (const auto &item : list)
            a.append(item.toJson());
        return a;
    };
    QJsonObject o {
        {QStringLiteral("status"), status},
        {QStringLiteral("syncId"), syncId},
        {QStringLiteral("diffSummary"),
         QJsonObject {{QStringLiteral("added"), added},
                      {QStringLiteral("modified"), modified},
                      {QStringLiteral("deleted"), deleted},
                      {QStringLiteral("unchanged"), unchanged}}},
        {QStringLiteral("commitSha"), commitSha.isEmpty() ? QJsonValue() : QJsonValue(commitSha)},
        {QStringLiteral("workUnits"), array(workUnits)},
        {QStringLiteral("failedWorkUnits"), QJsonArray::fromStringList(failedWorkUnits)},
        {QStringLiteral("reconciliationSkipped"), reconciliationSkipped},
        {QStringLiteral("reconciliationActions"), array(reconciliationActions)},
        {QStringLiteral("conflictsResolved"), array(conflictsResolved)},
        {QStringLiteral("finalGatePrunedReferences"), array(finalGatePrunedReferences)},
        {QStringLiteral("finalGateDroppedSources"), array(finalGateDroppedSources)},
        {QStringLiteral("integrationConflicts"), integrationConflicts},
        {QStringLiteral("evictionsApplied"), array(evictionsApplied)},
        {QStringLiteral("isolatedDiff"),
         QJsonObject {{QStringLiteral("textualConflicts"), integrationConflicts.size()},
                      {QStringLiteral("resolverAttempts"), resolverAttempts},
                      {QStringLiteral("resolverRepairs"), resolverRepairs},
                      {QStringLiteral("resolverFailures"), resolverFailures}}},
        {QStringLiteral("provenanceRows"), array(provenanceRows)},
        {QStringLiteral("rawHashes"), rawHashes},
        {QStringLiteral("modelCalls"), modelCalls},
        {QStringLiteral("cacheHits"), cacheHits},
        {QStringLiteral("unitHashes"), unitHashes}};
    if (!unitsSkipped.isEmpty())
        o.insert(QStringLiteral("unitsSkipped"), unitsSkipped);
    if (!contextSource.isEmpty())
        o.insert(QStringLiteral("contextSource"), contextSource);
    if (!failurePhase.isEmpty())
        o.insert(QStringLiteral("failure"),
                 QJsonObject {{QStringLiteral("phase"), failurePhase},
                              {QStringLiteral("message"), failureMessage}});
    return o;
}

} // namespace ktx
