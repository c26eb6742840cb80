#include "semantic/semanticlayerstore.h"

#include "semantic/sourcefilename.h"

#include <QDir>
#include <QDirIterator>

namespace ktx {

SemanticLayerStore::SemanticLayerStore(const QString &projectDir)
    : m_projectDir(projectDir)
{ }

QString SemanticLayerStore::root() const
{
    return QDir(m_projectDir).filePath(QStringLiteral("semantic-layer"));
}

QString SemanticLayerStore::directory(const QString &connectionId) const
{
    return QDir(root()).filePath(connectionId);
}

QStringList SemanticLayerStore::connections() const
{
    QStringList out;
    const QDir dir(root());
    for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!SourceFileName::isValidConnectionId(name))
            continue;
        QDirIterator it(dir.filePath(name), {QStringLiteral("*.yaml"), QStringLiteral("*.yml")},
                        QDir::Files, QDirIterator::Subdirectories);
        if (it.hasNext())
            out << name;
    }
    return out;
}

SourceLoader::SourceSet SemanticLayerStore::load(const QString &connectionId) const
{
    return SourceLoader::loadDirectory(directory(connectionId));
}

Result<SemanticLayerStore::Found> SemanticLayerStore::find(const QString &name,
                                                           const QString &connectionId) const
{
    const QStringList candidates
        = connectionId.isEmpty() ? connections() : QStringList {connectionId};
    QList<Found> found;
    for (const QString &id : candidates) {
        const SourceLoader::SourceSet set = load(id);
        if (const SemanticSource *s = set.find(name))
            found << Found {id, *s};
    }
    if (found.isEmpty()) {
        if (!connectionId.isEmpty())
            return makeError(QStringLiteral("sl_source_not_found"),
                             QStringLiteral("No semantic-layer source '%1' for connection '%2'")
                                 .arg(name, connectionId),
                             QStringLiteral("Run `ktx sl --connection %1` to list its sources.")
                                 .arg(connectionId));
        return makeError(QStringLiteral("sl_source_not_found"),
                         QStringLiteral("No semantic-layer source '%1'").arg(name),
                         QStringLiteral("Run `ktx sl` to inspect available sources."));
    }
    if (found.size() > 1) {
        QStringList ids;
        for (const Found &f : std::as_const(found))
            ids << f.connectionId;
        return makeError(QStringLiteral("sl_source_ambiguous"),
                         QStringLiteral("Source '%1' exists in multiple connections: %2. Re-run "
                                        "with --connection <id>.")
                             .arg(name, ids.join(QStringLiteral(", "))));
    }
    return found.first();
}

} // namespace ktx
