#include "serve/agentinstallmanifest.h"

#include "core/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ktx {

namespace {

// The manifest is a few kilobytes; anything far larger is not ours.
constexpr qint64 MaxManifestBytes = 4 * 1024 * 1024;

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list << item.toString();
    return list;
}

} // namespace

QString AgentInstallManifest::filePath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/agents/install-manifest.json"));
}

Result<AgentInstallManifest> AgentInstallManifest::load(const QString &projectDir)
{
    const QString path = filePath(projectDir);
    QFile file(path);
    if (!file.exists()) {
        AgentInstallManifest empty;
        empty.projectDir = projectDir;
        return empty;
    }
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("agent_manifest_unreadable"),
                         QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString()));
    Result<AgentInstallManifest> manifest = fromJson(file.read(MaxManifestBytes), path);
    if (manifest.ok())
        manifest->projectDir = projectDir; // the project may have moved since
    return manifest;
}

Result<AgentInstallManifest> AgentInstallManifest::fromJson(const QByteArray &json,
                                                            const QString &fileName)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return makeError(QStringLiteral("agent_manifest_invalid"),
                         QStringLiteral("%1 is not a valid install manifest.").arg(fileName),
                         QStringLiteral("Move it away and run `ktx setup --agents` again; files "
                                        "it listed are then not removed automatically."));
    const QJsonObject o = document.object();
    AgentInstallManifest m;
    m.version = o.value(QStringLiteral("version")).toInt(1);
    m.projectDir = o.value(QStringLiteral("projectDir")).toString();
    m.installedAt = o.value(QStringLiteral("installedAt")).toString();
    for (const QJsonValue &value : o.value(QStringLiteral("installs")).toArray()) {
        const QJsonObject i = value.toObject();
        AgentInstallRecord record;
        record.target = i.value(QStringLiteral("target")).toString();
        record.scope = i.value(QStringLiteral("scope")).toString();
        record.mode = i.value(QStringLiteral("mode")).toString(QStringLiteral("mcp"));
        record.installDir = i.value(QStringLiteral("installDir")).toString();
        record.url = i.value(QStringLiteral("url")).toString();
        record.tokenAuth = i.value(QStringLiteral("tokenAuth")).toBool();
        if (!record.target.isEmpty())
            m.installs << record;
    }
    for (const QJsonValue &value : o.value(QStringLiteral("entries")).toArray()) {
        const QJsonObject e = value.toObject();
        AgentInstallEntry entry;
        entry.kind = e.value(QStringLiteral("kind")).toString();
        entry.path = e.value(QStringLiteral("path")).toString();
        entry.role = e.value(QStringLiteral("role")).toString();
        entry.jsonPath = stringList(e.value(QStringLiteral("jsonPath")));
        entry.table = e.value(QStringLiteral("table")).toString();
        entry.sha256 = e.value(QStringLiteral("sha256")).toString();
        entry.created = e.value(QStringLiteral("created")).toBool();
        entry.owners = stringList(e.value(QStringLiteral("owners")));
        entry.createdDepth = e.value(QStringLiteral("createdDepth")).toInt(-1);
        if (!entry.kind.isEmpty() && !entry.path.isEmpty())
            m.entries << entry;
    }
    return m;
}

QByteArray AgentInstallManifest::toJson() const
{
    QJsonArray installList;
    for (const AgentInstallRecord &r : installs) {
        QJsonObject i {{QStringLiteral("target"), r.target},
                       {QStringLiteral("scope"), r.scope},
                       {QStringLiteral("mode"), r.mode},
                       {QStringLiteral("url"), r.url},
                       {QStringLiteral("tokenAuth"), r.tokenAuth}};
        if (!r.installDir.isEmpty())
            i.insert(QStringLiteral("installDir"), r.installDir);
        installList << i;
    }
    QJsonArray entryList;
    for (const AgentInstallEntry &e : entries) {
        QJsonObject o {{QStringLiteral("kind"), e.kind}, {QStringLiteral("path"), e.path}};
        if (!e.role.isEmpty())
            o.insert(QStringLiteral("role"), e.role);
        if (!e.jsonPath.isEmpty())
            o.insert(QStringLiteral("jsonPath"), strings(e.jsonPath));
        if (!e.table.isEmpty())
            o.insert(QStringLiteral("table"), e.table);
        if (!e.sha256.isEmpty())
            o.insert(QStringLiteral("sha256"), e.sha256);
        if (e.created)
            o.insert(QStringLiteral("created"), true);
        if (e.createdDepth >= 0)
            o.insert(QStringLiteral("createdDepth"), e.createdDepth);
        o.insert(QStringLiteral("owners"), strings(e.owners));
        entryList << o;
    }
    const QJsonObject root {{QStringLiteral("version"), version},
                            {QStringLiteral("projectDir"), projectDir},
                            {QStringLiteral("installedAt"), installedAt},
                            {QStringLiteral("installs"), installList},
                            {QStringLiteral("entries"), entryList}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<void> AgentInstallManifest::save() const
{
    const QString path = filePath(projectDir);
    if (isEmpty()) {
        if (QFile::exists(path) && !QFile::remove(path))
            return makeError(QStringLiteral("write_failed"),
                             QStringLiteral("Cannot delete %1.").arg(path));
        return {};
    }
    return AtomicFile::write(path, toJson());
}

const AgentInstallRecord *AgentInstallManifest::install(const QString &key) const
{
    for (const AgentInstallRecord &r : installs) {
        if (r.key() == key)
            return &r;
    }
    return nullptr;
}

AgentInstallEntry *AgentInstallManifest::entry(const AgentInstallEntry &like)
{
    for (AgentInstallEntry &e : entries) {
        if (e.sameTarget(like))
            return &e;
    }
    return nullptr;
}

const AgentInstallEntry *AgentInstallManifest::entry(const AgentInstallEntry &like) const
{
    return const_cast<AgentInstallManifest *>(this)->entry(like);
}

QString AgentInstallManifest::absolutePath(const QString &storedPath) const
{
    return QDir::cleanPath(QDir(projectDir).absoluteFilePath(storedPath));
}

QString AgentInstallManifest::storedPath(const QString &absolutePath) const
{
    const QString relative = QDir(projectDir).relativeFilePath(absolutePath);
    return relative.startsWith(QLatin1String("..")) || QFileInfo(relative).isAbsolute()
        ? QDir::cleanPath(absolutePath)
        : relative;
}

} // namespace ktx
