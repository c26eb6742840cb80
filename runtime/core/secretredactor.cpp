#include "core/secretredactor.h"

#include <QMutex>
#include <QStringList>

#include <algorithm>
#include <cstdio>

namespace ktx {

namespace {

struct Registry
{
    QMutex mutex;
    QStringList secrets; // longest first, so a secret containing another is masked whole
};

Registry &registry()
{
    static Registry instance;
    return instance;
}

QtMessageHandler previousHandler = nullptr;

void redactingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString clean = SecretRedactor::redact(message);
    if (previousHandler)
        previousHandler(type, context, clean);
    else
        std::fprintf(stderr, "%s\n", qPrintable(clean));
}

} // namespace

void SecretRedactor::registerSecret(const QString &value)
{
    // Very short values would mask ordinary words; no real credential is that short.
    if (value.size() < 4)
        return;
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    if (r.secrets.contains(value))
        return;
    r.secrets.append(value);
    std::sort(r.secrets.begin(), r.secrets.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

QString SecretRedactor::redact(QString text)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    for (const QString &secret : std::as_const(r.secrets))
        text.replace(secret, QStringLiteral("[redacted]"));
    return text;
}

void SecretRedactor::installMessageHandler()
{
    previousHandler = qInstallMessageHandler(redactingHandler);
}

void SecretRedactor::clear()
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    r.secrets.clear();
}

} // namespace ktx
