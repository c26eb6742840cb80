#include "project/configeditor.h"

#include "core/atomicfile.h"
#include "git/gitrepository.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "project/yamldocument.h"

#include <QFile>
#include <QSet>

namespace ktx {

ConfigEditor::ConfigEditor(QString projectDir, QByteArray text)
    : m_projectDir(std::move(projectDir))
    , m_original(text)
    , m_editor(std::move(text))
{ }

Result<ConfigEditor> ConfigEditor::open(const QString &projectDir)
{
    QFile file(ProjectLocator::configPath(projectDir));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("missing_project"),
                         QStringLiteral("No ktx.yaml found in %1").arg(projectDir),
                         QStringLiteral("Run `ktx setup` to create a project there."));
    QByteArray text = file.readAll();
    if (auto parsed = YamlDocument::parse(text, file.fileName()); !parsed.ok())
        return makeError(
            QStringLiteral("invalid_config"),
            QStringLiteral("ktx.yaml parse error: %1 (line %2, column %3)")
                .arg(parsed.error().message)
                .arg(parsed.error().line)
                .arg(parsed.error().column),
            QStringLiteral(
                "Fix the YAML by hand first; ktx will not rewrite a file it cannot read."));
    return ConfigEditor(projectDir, std::move(text));
}

Result<void> ConfigEditor::set(const QStringList &path, const YamlValue &value)
{
    return m_editor.set(path, value);
}

Result<void> ConfigEditor::remove(const QStringList &path)
{
    return m_editor.remove(path);
}

Result<void> ConfigEditor::setConnection(const QString &id, const YamlValue &fields)
{
    const LoadedConfig current = ConfigLoader::fromText(m_editor.text());
    if (const ConnectionConfig *existing = current.config.connection(id)) {
        for (const auto &[key, value] : fields.entries())
            if (key == QLatin1String("driver") && value.scalarText() != existing->driver)
                return makeError(QStringLiteral("connection_exists"),
                                 QStringLiteral("Connection \"%1\" already exists with driver %2.")
                                     .arg(id, existing->driver),
                                 QStringLiteral("Choose another --database-connection-id, or edit "
                                                "the existing connection."));
    }
    return m_editor.set({QStringLiteral("connections"), id}, fields);
}

Result<void> ConfigEditor::save()
{
    if (!isModified())
        return {};
    const QString path = ProjectLocator::configPath(m_projectDir);
    const LoadedConfig before = ConfigLoader::fromText(m_original, path);
    const LoadedConfig after = ConfigLoader::fromText(m_editor.text(), path);
    QSet<QString> known;
    for (const ConfigIssue &issue : before.issues)
        if (issue.isError())
            known.insert(issue.path + issue.message);
    for (const ConfigIssue &issue : after.issues) {
        if (issue.isError() && !known.contains(issue.path + issue.message))
            return makeError(
                QStringLiteral("invalid_config"),
                QStringLiteral("The change would make ktx.yaml invalid: %1").arg(issue.message),
                issue.fix);
    }
    if (Result<void> written = AtomicFile::write(path, m_editor.text()); !written.ok())
        return written;
    m_original = m_editor.text();
    return {};
}

Result<void> ConfigEditor::saveAndCommit(const QString &message)
{
    const bool modified = isModified();
    if (Result<void> saved = save(); !saved.ok())
        return saved;
    if (!modified)
        return {};
    auto repository = GitRepository::open(m_projectDir);
    if (!repository.ok())
        return {}; // a project without its own repository (hand-made) still gets the edit
    auto committed = repository->commit(
        message, {QStringLiteral("ktx setup"), QStringLiteral("setup@ktx.local")},
        {QStringLiteral("ktx.yaml")});
    if (!committed.ok())
        return committed.error();
    return {};
}

} // namespace ktx
