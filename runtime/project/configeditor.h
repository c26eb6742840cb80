#pragma once

#include "core/result.h"
#include "project/yamleditor.h"

#include <QString>

namespace ktx {

// Changes ktx.yaml on behalf of setup (CLI flags or the wizard) while keeping the
// file the person wrote: edits go through YamlEditor, the result must validate
// with no new errors, and it is written atomically. Optionally commits the
// change to the project's own repository.
class ConfigEditor
{
public:
    static Result<ConfigEditor> open(const QString &projectDir);

    Result<void> set(const QStringList &path, const YamlValue &value);
    Result<void> remove(const QStringList &path);

    // connections.<id>: fails when the id exists with another driver.
    Result<void> setConnection(const QString &id, const YamlValue &fields);

    bool isModified() const { return m_editor.text() != m_original; }
    const QByteArray &text() const { return m_editor.text(); }

    // Validates and writes; a result with errors the original did not have is refused.
    Result<void> save();
    // save() plus a commit of ktx.yaml with the setup author.
    Result<void> saveAndCommit(const QString &message
                               = QStringLiteral("setup: update ktx project config"));

private:
    ConfigEditor(QString projectDir, QByteArray text);

    QString m_projectDir;
    QByteArray m_original;
    YamlEditor m_editor;
};

} // namespace ktx
