#include "project/secretref.h"

#include "core/atomicfile.h"
#include "core/secretredactor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace ktx {

SecretRef SecretRef::parse(const QString &text)
{
    SecretRef ref;
    ref.m_text = text;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        ref.m_kind = Kind::Empty;
    } else if (trimmed.startsWith(QLatin1String("env:"))) {
        ref.m_kind = Kind::Env;
        ref.m_target = trimmed.mid(4).trimmed();
    } else if (trimmed.startsWith(QLatin1String("file:"))) {
        ref.m_kind = Kind::File;
        ref.m_target = trimmed.mid(5).trimmed();
    } else {
        ref.m_kind = Kind::Literal;
        ref.m_target = text;
    }
    return ref;
}

QString SecretRef::filePath(const QString &projectDir) const
{
    if (m_kind != Kind::File)
        return {};
    QString path = m_target;
    if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/")))
        path = QDir::homePath() + path.mid(1);
    return QDir::cleanPath(QDir(projectDir).absoluteFilePath(path));
}

bool SecretRef::isAvailable(const QString &projectDir) const
{
    switch (m_kind) {
    case Kind::Empty:
        return false;
    case Kind::Env:
        return !m_target.isEmpty()
            && !qEnvironmentVariableIsEmpty(m_target.toLocal8Bit().constData());
    case Kind::File:
        return QFileInfo(filePath(projectDir)).isReadable();
    case Kind::Literal:
        return true;
    }
    return false;
}

Result<QString> SecretRef::resolve(const QString &projectDir) const
{
    QString value;
    switch (m_kind) {
    case Kind::Empty:
        return makeError(QStringLiteral("secret_missing"),
                         QStringLiteral("No value is configured."));
    case Kind::Env:
        value = qEnvironmentVariable(m_target.toLocal8Bit().constData());
        if (value.isEmpty())
            return makeError(
                QStringLiteral("secret_missing"),
                QStringLiteral("The environment variable %1 is not set.").arg(m_target),
                QStringLiteral("Export %1 in the shell that runs ktx, or store the secret with "
                               "`ktx setup` as a file reference.")
                    .arg(m_target));
        break;
    case Kind::File: {
        QFile file(filePath(projectDir));
        if (!file.open(QIODevice::ReadOnly))
            return makeError(
                QStringLiteral("secret_missing"),
                QStringLiteral("Cannot read the secret file %1.").arg(m_target),
                QStringLiteral(
                    "Create the file (its first line is the secret) or run `ktx setup` again."));
        // Only the first line is the secret; a 64 KiB cap keeps a wrong path harmless.
        value = QString::fromUtf8(file.read(64 * 1024)).section(QLatin1Char('\n'), 0, 0).trimmed();
        break;
    }
    case Kind::Literal:
        value = m_target;
        break;
    }
    SecretRedactor::registerSecret(value);
    return value;
}

QString SecretStore::secretsDir(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/secrets"));
}

Result<QString> SecretStore::store(const QString &projectDir, const QString &name,
                                   const QString &value)
{
    static const QRegularExpression safeName(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.-]*$"));
    if (!safeName.match(name).hasMatch())
        return makeError(QStringLiteral("invalid_secret_name"),
                         QStringLiteral("\"%1\" cannot be used as a secret name.").arg(name),
                         QStringLiteral("Use letters, digits, `_`, `.` and `-`."));
    if (value.contains(QLatin1Char('\n')))
        return makeError(QStringLiteral("invalid_secret"),
                         QStringLiteral("A secret must be a single line."));
    SecretRedactor::registerSecret(value);
    const QString dir = secretsDir(projectDir);
    if (!QDir().mkpath(dir))
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot create %1.").arg(dir));
    QFile::setPermissions(dir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    AtomicFile::Options options;
    options.permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (Result<void> written
        = AtomicFile::write(QDir(dir).filePath(name), value.toUtf8() + '\n', options);
        !written.ok())
        return written.error();
    return QString(QStringLiteral("file:.ktx/secrets/") + name);
}

} // namespace ktx
