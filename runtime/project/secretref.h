#pragma once

#include "core/result.h"

#include <QString>

namespace ktx {

// A value in ktx.yaml that may point at a secret instead of holding it:
// `env:NAME` (read at use time), `file:PATH` (first line of the file; `~` and
// paths relative to the project are accepted), or a literal.
class SecretRef
{
public:
    enum class Kind { Empty, Env, File, Literal };

    static SecretRef parse(const QString &text);

    Kind kind() const { return m_kind; }
    QString target() const { return m_target; } // variable name, path, or literal
    QString text() const { return m_text; } // as written

    // The file a `file:` reference points at, resolved against the project.
    QString filePath(const QString &projectDir) const;
    // True when the value can be obtained right now (variable set and non-empty,
    // file readable). Never returns or logs the value.
    bool isAvailable(const QString &projectDir) const;
    // The secret itself; registered with SecretRedactor before it is returned.
    Result<QString> resolve(const QString &projectDir) const;

private:
    Kind m_kind = Kind::Empty;
    QString m_target;
    QString m_text;
};

// Stores secrets typed into the app under .ktx/secrets/ with mode 0600 and hands
// back the `file:` reference that ktx.yaml keeps instead of the value.
class SecretStore
{
public:
    static Result<QString> store(const QString &projectDir, const QString &name,
                                 const QString &value);
    static QString secretsDir(const QString &projectDir);
};

} // namespace ktx
