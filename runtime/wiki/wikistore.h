#pragma once

#include "core/result.h"
#include "wiki/wikipage.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// The wiki folders of a project: wiki/global/<key>.md and
// wiki/user/<userId>/<key>.md. A user sees the global pages plus their own; a
// user page shadows the global page with the same key.
class WikiStore
{
public:
    explicit WikiStore(QString projectDir);

    QString projectDir() const { return m_projectDir; }
    QString globalDir() const;
    QString userDir(const QString &userId) const;
    QString filePath(WikiScope scope, const QString &userId, const QString &key) const;

    // A key is a flat token: letters, digits, `_`, `-` and `.`, starting with a
    // letter or digit, at most 128 characters; no path separators, no `..`.
    static bool isValidKey(const QString &key);
    static bool isValidUserId(const QString &userId);

    struct Location
    {
        WikiScope scope = WikiScope::Global;
        QString userId;
        QString key;
    };
    // `global/<key>` or `user/<userId>/<key>` (the MCP form).
    static Result<Location> parseScopedKey(const QString &scopedKey);

    struct Listing
    {
        QList<WikiPage> pages; // visible to the user, sorted by key
        QList<Error> issues; // pages that could not be read, with file and line
    };
    Listing list(const QString &userId) const;
    // Every page on disk: all global pages and every user's pages.
    Listing listAll() const;

    // A bare key as the CLI takes it: the user's page, else the global one.
    Result<WikiPage> read(const QString &key, const QString &userId) const;
    Result<WikiPage> read(const Location &location) const;
    // The file's exact bytes (`ktx wiki read`), resolved like read().
    Result<QByteArray> readBytes(const QString &key, const QString &userId) const;

    // Validates, then writes atomically. Rejected when the summary is missing or a
    // ref / wiki link names no page visible in the page's scope (the missing keys
    // are named). Returns the file path written.
    Result<QString> write(const WikiPage &page) const;
    Result<void> remove(const Location &location) const;

    // Keys visible to the user that look like `key` (edit distance, prefix or
    // substring), closest first, for "did you mean" hints.
    QStringList closeKeys(const QString &key, const QString &userId, int max = 3) const;

private:
    Result<WikiPage> readFile(const QString &path, const Location &location) const;
    QStringList keysIn(const QString &dir) const;

    QString m_projectDir;
};

} // namespace ktx
