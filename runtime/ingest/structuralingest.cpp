#include "ingest/structuralingest.h"

#include "core/atomicfile.h"
#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "git/gitrepository.h"
#include "git/worktreelanding.h"
#include "ingest/livedatabaseevidence.h"
#include "project/projectconfig.h"
#include "scan/relationshipdiscovery.h"
#include "scan/sessionworkerpool.h"
#include "semantic/sourcefilename.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace ktx {

namespace {

QByteArray sha256(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

std::optional<QByteArray> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return file.readAll();
}

// What the last structural ingest wrote, per file: its hash. A file whose bytes
// no longer match was edited by a person.
QString statePath(const QString &projectDir, const QString &connectionId)
{
    return QDir(projectDir)
        .filePath(QStringLiteral(".ktx/ingest/structural/%1.json").arg(connectionId));
}

QJsonObject relationshipJson(const StructuralJoin &join, const QString &source)
{
    return QJsonObject {
        {QStringLiteral("from"), join.from.displayName()},
        {QStringLiteral("fromColumns"), QJsonArray::fromStringList(join.fromColumns)},
        {QStringLiteral("to"), join.to.displayName()},
        {QStringLiteral("toColumns"), QJsonArray::fromStringList(join.toColumns)},
        {QStringLiteral("relationship"), join.relationship},
        {QStringLiteral("source"), source},
        {QStringLiteral("status"), QStringLiteral("accepted")}};
}

Error cancelledError()
{
    return makeError(QStringLiteral("cancelled"),
                     QStringLiteral("Ingest was cancelled; nothing was written."));
}

} // namespace

QList<StructuralJoin> StructuralIngest::declaredJoins(const SchemaSnapshot &snapshot)
{
    QList<StructuralJoin> joins;
    for (const SchemaTable &table : snapshot.tables) {
        // Composite keys share a constraint name; keep their column order.
        QMap<QString, StructuralJoin> byConstraint;
        QStringList order;
        for (const SchemaForeignKey &fk : table.foreignKeys) {
            const QString key = fk.constraintName.isEmpty()
                ? fk.fromColumn + QLatin1Char('>') + fk.toTable
                : fk.constraintName + QLatin1Char('>') + fk.toTable;
            if (!byConstraint.contains(key)) {
                order << key;
                StructuralJoin join;
                join.from = table.ref;
                join.to = TableRef {fk.toCatalog, fk.toDb.isEmpty() ? table.ref.db : fk.toDb,
                                    fk.toTable};
                byConstraint.insert(key, join);
            }
            byConstraint[key].fromColumns << fk.fromColumn;
            byConstraint[key].toColumns << fk.toColumn;
        }
        for (const QString &key : order) {
            StructuralJoin join = byConstraint.value(key);
            QStringList pk = table.primaryKey();
            QStringList from = join.fromColumns;
            std::sort(pk.begin(), pk.end());
            std::sort(from.begin(), from.end());
            join.relationship = (!pk.isEmpty() && pk == from) ? QStringLiteral("one_to_one")
                                                              : QStringLiteral("many_to_one");
            joins << join;
        }
    }
    return joins;
}

QString StructuralIngest::commitMessage(const StructuralIngestResult &r)
{
    return QStringLiteral("ingest(%1): %2 syncId=%3 diff=+%4/~%5/-%6/=%7")
        .arg(LiveDatabaseEvidence::sourceKey(), r.jobId,
             r.syncId.isEmpty() ? QStringLiteral("unchanged") : r.syncId)
        .arg(r.added)
        .arg(r.modified)
        .arg(r.deleted)
        .arg(r.unchanged);
}

Result<StructuralIngestResult> StructuralIngest::run(const QString &projectDir,
                                                     const ProjectConfig &project,
                                                     const ConnectionConfig &connection,
                                                     const CancellationToken &cancel,
                                                     const Progress &progress)
{
    const auto say = [&](const QString &message) {
        if (progress)
            progress(message);
    };
    StructuralIngestResult result;
    result.connectionId = connection.id;
    result.driver = connection.driver;
    result.jobId = QString::number(QRandomGenerator::global()->generate64() & 0xffffffffULL, 16)
                       .rightJustified(8, QLatin1Char('0'));

    if (connection.kind() != ConnectionKind::Warehouse)
        return makeError(
            QStringLiteral("unsupported_driver"),
            QStringLiteral("Connection \"%1\" uses unsupported public ingest driver \"%2\"")
                .arg(connection.id, connection.driver));

    // One ingest per project at a time: two would race on the same files.
    auto lock = WorktreeLanding::lockProject(projectDir);
    if (!lock.ok())
        return lock.error();

    auto settings = ConnectionSettings::fromConfig(connection, projectDir);
    if (!settings.ok())
        return settings.error();
    say(QStringLiteral("Connecting to %1").arg(settings->displayTarget()));
    auto session = DatabaseSession::open(*settings);
    if (!session.ok())
        return session.error();
    say(QStringLiteral("Reading the schema of %1").arg(connection.id));
    auto introspected = (*session)->introspect(cancel);
    if (!introspected.ok())
        return introspected.error();
    if (cancel.isCancelled())
        return cancelledError();
    SchemaSnapshot snapshot = std::move(introspected).value();
    snapshot.connectionId = connection.id;
    result.tables = int(snapshot.tables.size());
    result.warnings = snapshot.warnings;

    // Joins: discovery accepts declared keys as they are and validates inferred
    // ones against the data; without it, the declared keys alone.
    QList<StructuralJoin> joins;
    QJsonArray relationships;
    QList<TableProfile> profiles;
    if (project.scan.relationships.enabled) {
        say(QStringLiteral("Profiling columns and discovering relationships"));
        const ConnectionSettings sessionSettings = *settings;
        const DatabaseSessionFactory sessions = [sessionSettings] {
            return DatabaseSession::open(sessionSettings);
        };
        const RelationshipScanResult scan = RelationshipDiscovery::profileAndDiscover(
            snapshot, sessions,
            RelationshipDiscovery::Options::fromConfig(project.scan.relationships, cancel));
        if (cancel.isCancelled())
            return cancelledError();
        profiles = scan.profiling.tables;
        for (const ScanWarning &warning : scan.profiling.warnings)
            result.warnings << warning.message;
        for (const ScanWarning &warning : scan.discovery.warnings)
            result.warnings << warning.message;
        if (scan.discovery.isPartial())
            result.warnings << QStringLiteral("Relationship discovery stopped early (%1); "
                                              "unvalidated candidates stay in review.")
                                   .arg(scan.discovery.stopReason);
        for (const Relationship &relationship : scan.discovery.relationships) {
            relationships.append(relationship.toJson());
            if (relationship.status != Relationship::Status::Accepted)
                continue;
            joins << StructuralJoin {relationship.from.table, relationship.from.columns,
                                     relationship.to.table, relationship.to.columns,
                                     Relationship::kindName(relationship.kind)};
        }
    } else {
        joins = declaredJoins(snapshot);
        for (const StructuralJoin &join : joins)
            relationships.append(relationshipJson(join, QStringLiteral("formal")));
    }
    result.joins = int(joins.size());

    // The sampled profiles stay local (they hold warehouse values): they feed
    // dictionary_search through the search index, never git.
    if (!profiles.isEmpty()) {
        QJsonArray tables;
        for (const TableProfile &profile : std::as_const(profiles)) {
            QJsonObject table = profile.toJson();
            table.remove(QStringLiteral("elapsedMs"));
            tables.append(table);
        }
        const QJsonObject artifact {{QStringLiteral("profiledAt"),
                                     snapshot.extractedAt.toUTC().toString(Qt::ISODateWithMs)},
                                    {QStringLiteral("tables"), tables}};
        const QString path = LiveDatabaseEvidence::profilesPath(projectDir, connection.id);
        QDir().mkpath(QFileInfo(path).absolutePath());
        if (Result<void> written
            = AtomicFile::write(path, QJsonDocument(artifact).toJson(QJsonDocument::Compact));
            !written.ok())
            result.warnings << QStringLiteral("Could not keep the column profiles for "
                                              "dictionary search: %1")
                                   .arg(written.error().message);
    }

    // Raw evidence: a new snapshot only when the schema changed.
    const QMap<QString, QByteArray> evidence = LiveDatabaseEvidence::files(snapshot, relationships);
    const QString latest = LiveDatabaseEvidence::latestSyncDir(projectDir, connection.id);
    const bool newSnapshot = latest.isEmpty()
        || LiveDatabaseEvidence::contentHash(LiveDatabaseEvidence::readSyncDir(latest))
            != LiveDatabaseEvidence::contentHash(evidence);
    if (newSnapshot)
        result.syncId = snapshot.extractedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd-HHmmss"))
            + QLatin1Char('-') + result.jobId;

    // Semantic sources.
    say(QStringLiteral("Writing semantic sources for %1 tables").arg(snapshot.tables.size()));
    const QMap<QString, QString> names = StructuralSource::sourceNames(snapshot);
    const QString layerDir = QStringLiteral("semantic-layer/%1/").arg(connection.id);
    QMap<QString, QByteArray> images;
    // Grouped once: thousands of tables times thousands of joins adds up.
    QHash<QString, QList<StructuralJoin>> joinsByTable;
    for (const StructuralJoin &join : std::as_const(joins))
        joinsByTable[join.from.displayName()] << join;
    QHash<QString, const TableProfile *> profileByTable;
    for (const TableProfile &profile : std::as_const(profiles))
        profileByTable.insert(profile.table.displayName(), &profile);
    for (SchemaTable table : snapshot.tables) {
        if (const TableProfile *profile = profileByTable.value(table.ref.displayName()))
            StructuralSource::refineTypes(table, *profile);
        const QByteArray bytes = StructuralSource::yaml(
            table, snapshot.driver, names, joinsByTable.value(table.ref.displayName()));
        if (bytes.isEmpty())
            return makeError(QStringLiteral("ingest_failed"),
                             QStringLiteral("Cannot write the semantic source of table %1.")
                                 .arg(table.ref.displayName()));
        images.insert(layerDir + SourceFileName::forSource(names.value(table.ref.displayName())),
                      bytes);
    }

    const QString stateFile = statePath(projectDir, connection.id);
    const QJsonObject previous
        = QJsonDocument::fromJson(readFile(stateFile).value_or(QByteArray())).object();
    const QJsonObject previousFiles = previous.value(QStringLiteral("files")).toObject();
    QJsonObject nextFiles;
    QMap<QString, QByteArray> toWrite;
    QStringList toDelete;
    const QDir root(projectDir);
    for (auto it = images.cbegin(); it != images.cend(); ++it) {
        const QString &path = it.key();
        const std::optional<QByteArray> current = readFile(root.filePath(path));
        const QString recorded = previousFiles.value(path).toString();
        if (!current) {
            if (!recorded.isEmpty()) {
                // We wrote it once and a person removed it: respect that.
                result.keptEdited << path + QStringLiteral(" (deleted by a person)");
                nextFiles.insert(path, recorded);
            } else {
                toWrite.insert(path, it.value());
                ++result.added;
                nextFiles.insert(path, QString::fromLatin1(sha256(it.value())));
            }
        } else if (*current == it.value()) {
            ++result.unchanged;
            nextFiles.insert(path, QString::fromLatin1(sha256(it.value())));
        } else if (!recorded.isEmpty() && sha256(*current) == recorded.toLatin1()) {
            toWrite.insert(path, it.value());
            ++result.modified;
            nextFiles.insert(path, QString::fromLatin1(sha256(it.value())));
        } else {
            result.keptEdited << path;
            if (!recorded.isEmpty())
                nextFiles.insert(path, recorded);
        }
    }
    for (auto it = previousFiles.constBegin(); it != previousFiles.constEnd(); ++it) {
        if (images.contains(it.key()))
            continue;
        const std::optional<QByteArray> current = readFile(root.filePath(it.key()));
        if (!current)
            continue;
        if (sha256(*current) == it.value().toString().toLatin1()) {
            toDelete << it.key(); // the table is gone and nobody touched its source
            ++result.deleted;
        } else {
            result.keptEdited << it.key() + QStringLiteral(" (its table is gone)");
        }
    }

    if (cancel.isCancelled())
        return cancelledError();
    if (!newSnapshot && toWrite.isEmpty() && toDelete.isEmpty())
        return result; // nothing changed: no files, no commit

    // Land: the commit is built from git objects first; the work tree and the
    // index follow it in one journaled step (WorktreeLanding), so a kill at any
    // moment never leaves a half-written snapshot or a half-committed change.
    GitRepository::FileChanges changes;
    // A new snapshot replaces the previous one (the original prunes stale raw
    // files): one snapshot folder per connection, so "the latest" is never a
    // guess between two syncIds of the same second.
    const QString snapshotsRel
        = QStringLiteral("raw-sources/%1/%2").arg(connection.id, LiveDatabaseEvidence::sourceKey());
    const QString syncRel = snapshotsRel + QLatin1Char('/') + result.syncId;
    if (newSnapshot) {
        for (auto it = evidence.cbegin(); it != evidence.cend(); ++it)
            changes.insert(syncRel + QLatin1Char('/') + it.key(), it.value());
    }
    const auto pruneOlderSnapshots = [&] {
        if (!newSnapshot)
            return;
        const QDir snapshots(root.filePath(snapshotsRel));
        for (const QString &old : snapshots.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (old != result.syncId)
                QDir(snapshots.filePath(old)).removeRecursively();
    };
    for (auto it = toWrite.cbegin(); it != toWrite.cend(); ++it)
        changes.insert(it.key(), it.value());
    for (const QString &path : std::as_const(toDelete))
        changes.insert(path, std::nullopt);

    auto repository = GitRepository::open(projectDir);
    if (!repository.ok()) {
        for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
            if (!it.value()) {
                QFile::remove(root.filePath(it.key()));
            } else if (Result<void> r = AtomicFile::write(root.filePath(it.key()), *it.value());
                       !r.ok()) {
                return r.error();
            }
        }
        result.warnings << QStringLiteral("The project folder is not a git repository; the changes "
                                          "were written but not committed.");
        pruneOlderSnapshots();
    } else {
        if (auto recovered = WorktreeLanding::recover(repository.value()); !recovered.ok())
            return recovered.error();
        if (const QString head = repository->headCommitId(); newSnapshot && !head.isEmpty()) {
            auto tracked = repository->listFiles(head, snapshotsRel);
            if (!tracked.ok())
                return tracked.error();
            for (const QString &path : std::as_const(*tracked))
                if (!path.startsWith(syncRel + QLatin1Char('/')))
                    changes.insert(path, std::nullopt);
        }
        const GitRepository::Signature author = GitRepository::Signature::parse(
            project.storage.gitAuthor, {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
        auto committed = WorktreeLanding::commitAndLand(repository.value(), changes,
                                                        commitMessage(result), author);
        if (!committed.ok())
            return committed.error();
        result.commitId = *committed;
        pruneOlderSnapshots(); // untracked leftovers of earlier snapshots
    }
    if (Result<void> r = AtomicFile::write(
            stateFile, QJsonDocument(QJsonObject {{QStringLiteral("files"), nextFiles}}).toJson());
        !r.ok())
        return r.error();

    // The run record: what the dashboard and `ktx status` count as a completed run.
    const QJsonObject run {
        {QStringLiteral("runId"), result.jobId},
        {QStringLiteral("connectionId"), connection.id},
        {QStringLiteral("adapter"), LiveDatabaseEvidence::sourceKey()},
        {QStringLiteral("status"), QStringLiteral("landed")},
        {QStringLiteral("syncId"), result.syncId},
        {QStringLiteral("commitId"), result.commitId},
        {QStringLiteral("finishedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("diff"),
         QJsonObject {{QStringLiteral("added"), result.added},
                      {QStringLiteral("modified"), result.modified},
                      {QStringLiteral("deleted"), result.deleted},
                      {QStringLiteral("unchanged"), result.unchanged}}}};
    if (Result<void> r = AtomicFile::write(
            root.filePath(QStringLiteral(".ktx/runs/%1/run.json").arg(result.jobId)),
            QJsonDocument(run).toJson());
        !r.ok())
        result.warnings << QStringLiteral(
                               "The run was committed, but its record could not be saved: %1")
                               .arg(r.error().message);
    return result;
}

} // namespace ktx
