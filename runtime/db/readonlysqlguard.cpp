#include "db/readonlysqlguard.h"

#include <QList>
#include <QStringView>

#include <algorithm>
#include <array>
#include <string_view>

// How the guard decides (design notes for maintainers):
//
// A lexical gate is only as good as its agreement with the server's lexer about
// where literals and comments begin and end: where they disagree, text the server
// runs as code can hide inside what the guard thinks is a string. So the scanner
// mirrors each server's lexer rule for rule (PostgreSQL scan.l, MySQL sql_lex.cc,
// SQLite tokenize.c), and where a server's behaviour depends on its configuration
// the text is scanned once per configuration ("variant"):
//   postgres: standard_conforming_strings on (primary) and off;
//   mysql:    default sql_mode (primary), NO_BACKSLASH_ESCAPES, ANSI_QUOTES;
//   sqlite:   one variant; any other driver: every variant, none tolerated.
// The primary variant must accept. Every other variant must accept with the same
// statement boundaries, or fail only because a literal never ends (then that
// server rejects the whole text as a syntax error before running any of it).
// Constructs whose meaning differs between server versions (a quote right after a
// number in PostgreSQL, comments inside MySQL /*! */, nested comments in MySQL)
// are refused instead of guessed.
//
// On the code that remains, the checks are: one statement (a `;` may only be
// followed by more `;`, whitespace and comments); the first token after any `(`
// is SELECT or WITH; no mutating keyword anywhere as a whole word (so a
// data-modifying CTE, SELECT ... INTO and FOR UPDATE are refused too); no call of
// a function with side effects; balanced parentheses, so the result can be wrapped
// in `select * from (<sql>) as ktx_query_result limit N`.
//
// Decisions: REPLACE directly followed by `(` is the string function, not the
// MySQL statement (as are INSERT( and TRUNCATE( on MySQL); SET after CHARACTER is
// MySQL's CHARACTER SET; COMMENT is only refused before ON and START only before
// TRANSACTION, so they stay usable as column names; SHARE is only refused after
// FOR/KEY. EXPLAIN is refused, plain or not: EXPLAIN ANALYZE executes the statement
// and no EXPLAIN can be wrapped as a subquery. VALUES and TABLE reads are refused.
// Words are split at `$` and at non-letter Unicode characters before they are
// compared, so odd spacing can only cause a refusal. The returned SQL starts at
// the first token (leading comments are dropped) and ends at the last token
// before the first top-level `;` (trailing semicolons, comments and whitespace
// are dropped).

namespace ktx {

namespace {

enum class Family { Postgres, MySql, Sqlite };

struct LexVariant
{
    Family family;
    bool backslashInStrings; // '...' takes backslash escapes (and MySQL "..." strings)
    bool doubleQuotedStrings; // MySQL without ANSI_QUOTES: "..." is a string
    const char *label; // for messages
};

constexpr LexVariant kPostgres {Family::Postgres, false, false, "PostgreSQL"};
constexpr LexVariant kPostgresNonStandardStrings {
    Family::Postgres, true, false, "PostgreSQL with standard_conforming_strings = off"};
constexpr LexVariant kMySql {Family::MySql, true, true, "MySQL/MariaDB"};
constexpr LexVariant kMySqlNoBackslash {Family::MySql, false, true,
                                        "MySQL/MariaDB with NO_BACKSLASH_ESCAPES"};
constexpr LexVariant kMySqlAnsiQuotes {Family::MySql, true, false,
                                       "MySQL/MariaDB with ANSI_QUOTES"};
constexpr LexVariant kSqlite {Family::Sqlite, false, false, "SQLite"};

struct DriverLexing
{
    QList<const LexVariant *> variants; // the first one is the server's default
    bool tolerateUnterminated = true;
};

DriverLexing lexingFor(const QString &driver)
{
    const QString name = driver.trimmed().toLower();
    if (name == u"postgres" || name == u"postgresql" || name == u"hologres")
        return {{&kPostgres, &kPostgresNonStandardStrings}, true};
    if (name == u"mysql" || name == u"mariadb")
        return {{&kMySql, &kMySqlNoBackslash, &kMySqlAnsiQuotes}, true};
    if (name == u"sqlite" || name == u"sqlite3")
        return {{&kSqlite}, true};
    // Unknown server: the text must mean the same under every lexer we know.
    return {{&kPostgres, &kPostgresNonStandardStrings, &kMySql, &kMySqlNoBackslash,
             &kMySqlAnsiQuotes, &kSqlite},
            false};
}

// --- keywords ----------------------------------------------------------------

enum class Category { Write, Routine, Transaction, Session, NotAQuery, Lock, RowLock };

enum class Rule {
    Always,
    AllowedAsCall, // refused unless directly followed by `(` (a function call)
    AllowedAsCallInMySql, // the same, but only MySQL has such a function
    OnlyBeforeOn, // COMMENT ON
    OnlyBeforeTransaction, // START TRANSACTION
    NotAfterCharacter, // SET, but not CHARACTER SET
    OnlyAfterForOrKey, // FOR SHARE, FOR KEY SHARE
    RowLockAfterFor, // UPDATE; after FOR/KEY it is a locking clause
};

struct Keyword
{
    std::string_view name;
    Category category;
    Rule rule;
};

constexpr auto kKeywords = std::to_array<Keyword>({
    {"alter", Category::Write, Rule::Always},
    {"analyse", Category::Write, Rule::Always},
    {"analyze", Category::Write, Rule::Always},
    {"attach", Category::Write, Rule::Always},
    {"begin", Category::Transaction, Rule::Always},
    {"binlog", Category::Session, Rule::Always},
    {"call", Category::Routine, Rule::Always},
    {"checkpoint", Category::Session, Rule::Always},
    {"cluster", Category::Write, Rule::Always},
    {"comment", Category::Write, Rule::OnlyBeforeOn},
    {"commit", Category::Transaction, Rule::Always},
    {"copy", Category::Write, Rule::Always},
    {"create", Category::Write, Rule::Always},
    {"deallocate", Category::Routine, Rule::Always},
    {"delete", Category::Write, Rule::Always},
    {"describe", Category::NotAQuery, Rule::Always},
    {"detach", Category::Write, Rule::Always},
    {"discard", Category::Session, Rule::Always},
    {"do", Category::Routine, Rule::Always},
    {"drop", Category::Write, Rule::Always},
    {"exec", Category::Routine, Rule::Always},
    {"execute", Category::Routine, Rule::Always},
    {"explain", Category::NotAQuery, Rule::Always},
    {"flush", Category::Session, Rule::Always},
    {"grant", Category::Write, Rule::Always},
    {"handler", Category::Session, Rule::Always},
    {"insert", Category::Write, Rule::AllowedAsCallInMySql},
    {"install", Category::Session, Rule::Always},
    {"into", Category::Write, Rule::Always},
    {"kill", Category::Session, Rule::Always},
    {"listen", Category::Session, Rule::Always},
    {"load", Category::Write, Rule::Always},
    {"lock", Category::Lock, Rule::Always},
    {"merge", Category::Write, Rule::Always},
    {"notify", Category::Session, Rule::Always},
    {"optimize", Category::Write, Rule::Always},
    {"pragma", Category::Session, Rule::Always},
    {"prepare", Category::Routine, Rule::Always},
    {"purge", Category::Write, Rule::Always},
    {"reassign", Category::Write, Rule::Always},
    {"refresh", Category::Write, Rule::Always},
    {"reindex", Category::Write, Rule::Always},
    {"rename", Category::Write, Rule::Always},
    {"repair", Category::Write, Rule::Always},
    {"replace", Category::Write, Rule::AllowedAsCall},
    {"reset", Category::Session, Rule::Always},
    {"revoke", Category::Write, Rule::Always},
    {"rollback", Category::Transaction, Rule::Always},
    {"savepoint", Category::Transaction, Rule::Always},
    {"set", Category::Session, Rule::NotAfterCharacter},
    {"share", Category::RowLock, Rule::OnlyAfterForOrKey},
    {"show", Category::NotAQuery, Rule::Always},
    {"shutdown", Category::Session, Rule::Always},
    {"start", Category::Transaction, Rule::OnlyBeforeTransaction},
    {"truncate", Category::Write, Rule::AllowedAsCallInMySql},
    {"uninstall", Category::Session, Rule::Always},
    {"unlisten", Category::Session, Rule::Always},
    {"unlock", Category::Lock, Rule::Always},
    {"update", Category::Write, Rule::RowLockAfterFor},
    {"upsert", Category::Write, Rule::Always},
    {"vacuum", Category::Write, Rule::Always},
});
static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end(),
                             [](const Keyword &a, const Keyword &b) { return a.name < b.name; }));

const Keyword *findKeyword(std::string_view word)
{
    if (word.size() < 2 || word.size() > 10)
        return nullptr;
    const auto it
        = std::lower_bound(kKeywords.begin(), kKeywords.end(), word,
                           [](const Keyword &k, std::string_view w) { return k.name < w; });
    return it != kKeywords.end() && it->name == word ? &*it : nullptr;
}

enum class Effect { State, Files, SqlText };

struct SideEffectFunction
{
    std::string_view name;
    Effect effect;
};

// Functions a plain SELECT can call that change state, touch server files or run
// SQL given as text (which the guard cannot see). User-defined functions can do
// anything; the read-only session is the layer that catches those.
constexpr auto kSideEffectFunctions = std::to_array<SideEffectFunction>({
    {"fts3_tokenizer", Effect::State},
    {"get_lock", Effect::State},
    {"lo_export", Effect::Files},
    {"lo_from_bytea", Effect::State},
    {"lo_import", Effect::Files},
    {"lo_put", Effect::State},
    {"lo_unlink", Effect::State},
    {"load_extension", Effect::Files},
    {"load_file", Effect::Files},
    {"lowrite", Effect::State},
    {"nextval", Effect::State},
    {"pg_cancel_backend", Effect::State},
    {"pg_drop_replication_slot", Effect::State},
    {"pg_import_system_collations", Effect::State},
    {"pg_log_backend_memory_contexts", Effect::State},
    {"pg_logdir_ls", Effect::Files},
    {"pg_logical_emit_message", Effect::State},
    {"pg_notify", Effect::State},
    {"pg_promote", Effect::State},
    {"pg_reload_conf", Effect::State},
    {"pg_replication_slot_advance", Effect::State},
    {"pg_rotate_logfile", Effect::State},
    {"pg_start_backup", Effect::State},
    {"pg_stat_file", Effect::Files},
    {"pg_stat_statements_reset", Effect::State},
    {"pg_stop_backup", Effect::State},
    {"pg_terminate_backend", Effect::State},
    {"pg_truncate_visibility_map", Effect::State},
    {"readfile", Effect::Files},
    {"release_all_locks", Effect::State},
    {"release_lock", Effect::State},
    {"set_config", Effect::State},
    {"setval", Effect::State},
    {"sys_eval", Effect::SqlText},
    {"sys_exec", Effect::SqlText},
    {"ts_stat", Effect::SqlText},
    {"writefile", Effect::Files},
});
static_assert(std::is_sorted(kSideEffectFunctions.begin(), kSideEffectFunctions.end(),
                             [](const SideEffectFunction &a, const SideEffectFunction &b) {
                                 return a.name < b.name;
                             }));

// Families of functions, matched by how their names start.
constexpr auto kSideEffectPrefixes = std::to_array<SideEffectFunction>({
    {"crosstab", Effect::SqlText},       {"cursor_to_xml", Effect::SqlText},
    {"dblink", Effect::SqlText},         {"lo_creat", Effect::State}, // lo_creat, lo_create
    {"lo_truncate", Effect::State},      {"pg_advisory_", Effect::State},
    {"pg_background", Effect::SqlText},  {"pg_backup_", Effect::State},
    {"pg_create_", Effect::State},       {"pg_file_", Effect::Files},
    {"pg_logical_slot_", Effect::State}, {"pg_ls_", Effect::Files},
    {"pg_read_", Effect::Files},         {"pg_replication_origin_", Effect::State},
    {"pg_stat_reset", Effect::State},    {"pg_switch_", Effect::State},
    {"pg_try_advisory_", Effect::State}, {"pg_wal_replay_", Effect::State},
    {"pg_xlog_replay_", Effect::State},  {"query_to_xml", Effect::SqlText},
});

const SideEffectFunction *findSideEffectFunction(std::string_view word, bool truncated)
{
    if (word.size() < 6)
        return nullptr;
    if (!truncated) {
        const auto it = std::lower_bound(
            kSideEffectFunctions.begin(), kSideEffectFunctions.end(), word,
            [](const SideEffectFunction &f, std::string_view w) { return f.name < w; });
        if (it != kSideEffectFunctions.end() && it->name == word)
            return &*it;
    }
    const char first = word.front();
    if (first != 'c' && first != 'd' && first != 'l' && first != 'p' && first != 'q')
        return nullptr;
    for (const SideEffectFunction &f : kSideEffectPrefixes) {
        if (word.starts_with(f.name))
            return &f;
    }
    return nullptr;
}

// A word folded to lower-case ASCII, as servers compare keywords. Words with
// other characters can be neither keywords nor built-in functions.
class AsciiWord
{
public:
    static constexpr qsizetype Capacity = 48;

    AsciiWord() = default;
    explicit AsciiWord(QStringView text)
    {
        for (const QChar ch : text) {
            const char16_t c = ch.unicode();
            if (c >= 0x80)
                return;
            if (m_size == Capacity) {
                m_truncated = true; // long words keep their prefix for prefix matches
                break;
            }
            m_text[m_size++] = char(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
        m_valid = true;
    }

    bool isValid() const { return m_valid; }
    bool isTruncated() const { return m_truncated; }
    std::string_view view() const
    {
        return m_valid ? std::string_view(m_text.data(), size_t(m_size)) : std::string_view();
    }
    bool operator==(std::string_view other) const
    {
        return m_valid && !m_truncated && view() == other;
    }

private:
    std::array<char, Capacity> m_text {};
    qsizetype m_size = 0;
    bool m_valid = false;
    bool m_truncated = false;
};

// --- characters --------------------------------------------------------------

bool isAsciiSpace(char16_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isDigit(char16_t c)
{
    return c >= '0' && c <= '9';
}
bool isAsciiLetter(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Every non-ASCII character is an identifier character to all three servers (any
// byte >= 0x80 of the UTF-8 text), including non-ASCII spaces.
bool isIdentifierStart(char16_t c)
{
    return isAsciiLetter(c) || c == '_' || c >= 0x80;
}
bool isIdentifierPart(char16_t c)
{
    return isIdentifierStart(c) || isDigit(c) || c == '$';
}
// PostgreSQL dollar-quote tags: identifier characters without `$`.
bool isDollarTagStart(char16_t c)
{
    return isIdentifierStart(c);
}
bool isDollarTagPart(char16_t c)
{
    return isIdentifierStart(c) || isDigit(c);
}
// A non-ASCII character that only separates words for a human reader.
bool isUnicodeBlank(char16_t c)
{
    return c >= 0x80 && (QChar::isSpace(c) || QChar::category(char32_t(c)) == QChar::Other_Format);
}
// Characters that may be part of a word when looking for keywords; anything else
// (`$`, non-ASCII spaces and symbols) splits words, so `a$delete` shows DELETE.
bool isKeywordPart(char16_t c)
{
    if (c < 0x80)
        return isAsciiLetter(c) || isDigit(c) || c == '_';
    return QChar::isLetterOrNumber(char32_t(c)) || QChar::isMark(char32_t(c));
}

// --- scanning ----------------------------------------------------------------

enum class Outcome { Accepted, Empty, MultipleStatements, NotReadOnly, Unterminated };

struct Verdict
{
    Outcome outcome = Outcome::Accepted;
    QString message;
    QString hint;
    qsizetype codeStart = 0; // the returned statement is [codeStart, codeEnd)
    qsizetype codeEnd = 0;
};

enum class Token {
    Word,
    Number,
    Literal, // strings of every kind
    QuotedName, // "x", `x`, [x]
    Parameter, // $1, SQLite $x / :x / @x / #x
    Punctuation,
    OpenParen,
    CloseParen,
    Semicolon,
    ExecutableOpen, // MySQL /*! and /*M!
    ExecutableClose, // the */ closing it
};

enum class PgString { Standard, Escape, Bits };

QString location(QStringView sql, qsizetype pos)
{
    qsizetype line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < pos && i < sql.size(); ++i) {
        if (sql[i] == u'\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(pos - lineStart + 1);
}

const QString &readOnlyOnly()
{
    static const QString text
        = QStringLiteral("ktx only runs single read-only SELECT or WITH queries.");
    return text;
}

class SqlScanner
{
public:
    SqlScanner(QStringView sql, const LexVariant &variant)
        : m_sql(sql)
        , m_s(sql.data())
        , m_n(sql.size())
        , m_v(variant)
    { }

    Verdict run();

private:
    char16_t at(qsizetype i) const { return i < m_n ? m_s[i].unicode() : char16_t(0); }
    QStringView slice(qsizetype from, qsizetype to) const { return m_sql.sliced(from, to - from); }

    // Lexers return the index after what they consumed; on failure they record
    // the verdict and return m_n so the main loop ends.
    qsizetype lexLineComment(qsizetype from) const;
    qsizetype lexBlockComment(qsizetype i);
    qsizetype lexWord(qsizetype i);
    qsizetype lexNumber(qsizetype i);
    qsizetype lexDelimited(qsizetype i, char16_t delimiter, bool backslash, Token kind,
                           const char *what, qsizetype tokenStart = -1);
    qsizetype lexPgString(qsizetype start, qsizetype quote, PgString mode);
    qsizetype pgContinuation(qsizetype from);
    qsizetype lexDollar(qsizetype i);
    qsizetype lexSqliteVariable(qsizetype i);
    qsizetype lexBracketName(qsizetype i);

    void token(Token kind, qsizetype start, qsizetype end);
    void checkWordToken(qsizetype start, qsizetype end, const AsciiWord &word);
    void checkLoose(qsizetype start, qsizetype end) { checkPieces(start, end, false); }
    void checkPieces(qsizetype start, qsizetype end, bool everyKeyword);
    bool checkFunctionName(QStringView name, qsizetype pos)
    {
        return checkFunctionName(name, AsciiWord(name), pos);
    }
    bool checkFunctionName(QStringView name, const AsciiWord &word, qsizetype pos);
    void flagKeyword(const Keyword &keyword, qsizetype pos, qsizetype end);
    void checkStart(Token kind, qsizetype start, qsizetype end);
    void resolvePending(Token kind, qsizetype start, qsizetype end);
    void finish();

    void fail(Outcome outcome, QString message, QString hint = {});
    void failUnterminated(qsizetype pos, const char *what);
    void failAmbiguous(qsizetype pos, const QString &what, const QString &hint);
    QString where(qsizetype pos) const { return location(m_sql, pos); }

    QStringView m_sql;
    const QChar *m_s;
    qsizetype m_n;
    const LexVariant &m_v;

    Verdict m_verdict;
    bool m_failed = false;

    qsizetype m_codeStart = -1;
    qsizetype m_codeEnd = -1;
    qsizetype m_firstSemicolon = -1;
    bool m_startChecked = false;
    bool m_startsWithWith = false;
    QList<qsizetype> m_openParens;
    AsciiWord m_previousWord; // the previous token when it was a plain word
    bool m_previousWasUnicodeName = false; // PostgreSQL U&"..." (for UESCAPE)
    bool m_inExecutable = false; // inside MySQL /*! ... */
    qsizetype m_executableOpen = -1;

    enum class Pending { None, NeedsCall, FlagIfOn, FlagIfTransaction };
    Pending m_pending = Pending::None;
    const Keyword *m_pendingKeyword = nullptr;
    qsizetype m_pendingPos = 0;
    qsizetype m_pendingEnd = 0;
};

Verdict SqlScanner::run()
{
    qsizetype i = 0;
    if (m_n > 0 && m_s[0].unicode() == 0xFEFF)
        i = 1; // a byte-order mark from a .sql file
    while (i < m_n && !m_failed) {
        const char16_t c = m_s[i].unicode();
        const char16_t next = at(i + 1);
        if (isAsciiSpace(c)) {
            ++i;
            continue;
        }
        if (c == '-' && next == '-') {
            if (m_v.family != Family::MySql) {
                i = lexLineComment(i + 2);
                continue;
            }
            // MySQL: `--` starts a comment only before whitespace or a control
            // character; `1--1` is 1 - (-1).
            const char16_t after = at(i + 2);
            if (i + 2 >= m_n || after <= 0x20 || after == 0x7f) {
                if (m_inExecutable) {
                    failAmbiguous(i, QStringLiteral("a comment inside a MySQL executable comment"),
                                  QStringLiteral("Remove the comment from the /*! ... */ block."));
                    break;
                }
                i = lexLineComment(i + 2);
                continue;
            }
            if (after >= 0x80) {
                failAmbiguous(i, QStringLiteral("'--' directly followed by a non-ASCII character"),
                              QStringLiteral("Put a space after '--' to write a comment."));
                break;
            }
            token(Token::Punctuation, i, i + 1);
            ++i;
            continue;
        }
        if (c == '#' && m_v.family == Family::MySql) {
            if (m_inExecutable) {
                failAmbiguous(i, QStringLiteral("a comment inside a MySQL executable comment"),
                              QStringLiteral("Remove the comment from the /*! ... */ block."));
                break;
            }
            i = lexLineComment(i + 1);
            continue;
        }
        if (c == '/' && next == '*') {
            i = lexBlockComment(i);
            continue;
        }
        if (c == '*' && next == '/' && m_inExecutable) {
            m_inExecutable = false;
            token(Token::ExecutableClose, i, i + 2);
            i += 2;
            continue;
        }
        if (c == '\'') {
            if (m_v.family == Family::Postgres)
                i = lexPgString(i, i,
                                m_v.backslashInStrings ? PgString::Escape : PgString::Standard);
            else
                i = lexDelimited(i, '\'', m_v.family == Family::MySql && m_v.backslashInStrings,
                                 Token::Literal, "string literal");
            continue;
        }
        if (c == '"') {
            if (m_v.family == Family::MySql && m_v.doubleQuotedStrings)
                i = lexDelimited(i, '"', m_v.backslashInStrings, Token::Literal, "string literal");
            else
                i = lexDelimited(i, '"', false, Token::QuotedName, "quoted identifier");
            continue;
        }
        if (c == '`' && m_v.family != Family::Postgres) {
            i = lexDelimited(i, '`', false, Token::QuotedName, "quoted identifier");
            continue;
        }
        if (c == '[' && m_v.family == Family::Sqlite) {
            i = lexBracketName(i);
            continue;
        }
        if (c == '$' && m_v.family == Family::Postgres) {
            i = lexDollar(i);
            continue;
        }
        if (m_v.family == Family::Sqlite && (c == '$' || c == '@' || c == ':' || c == '#')) {
            i = lexSqliteVariable(i);
            continue;
        }
        if (isDigit(c) || (c == '.' && isDigit(next))) {
            i = lexNumber(i);
            continue;
        }
        if (isIdentifierStart(c) || (c == '$' && m_v.family == Family::MySql)) {
            i = lexWord(i);
            continue;
        }
        if (c == '(')
            token(Token::OpenParen, i, i + 1);
        else if (c == ')')
            token(Token::CloseParen, i, i + 1);
        else if (c == ';')
            token(Token::Semicolon, i, i + 1);
        else
            token(Token::Punctuation, i, i + 1);
        ++i;
    }
    finish();
    m_verdict.codeStart = std::max<qsizetype>(m_codeStart, 0);
    m_verdict.codeEnd = std::max<qsizetype>(m_codeEnd, 0);
    return m_verdict;
}

qsizetype SqlScanner::lexLineComment(qsizetype from) const
{
    // PostgreSQL ends `--` comments at CR or LF; MySQL and SQLite only at LF.
    const bool crEnds = m_v.family == Family::Postgres;
    qsizetype j = from;
    while (j < m_n && m_s[j] != u'\n' && !(crEnds && m_s[j] == u'\r'))
        ++j;
    return j;
}

qsizetype SqlScanner::lexBlockComment(qsizetype i)
{
    if (m_v.family == Family::Postgres) {
        int depth = 1; // PostgreSQL nests block comments
        qsizetype j = i + 2;
        while (j < m_n) {
            if (m_s[j] == u'/' && at(j + 1) == '*') {
                ++depth;
                j += 2;
            } else if (m_s[j] == u'*' && at(j + 1) == '/') {
                j += 2;
                if (--depth == 0)
                    return j;
            } else {
                ++j;
            }
        }
        failUnterminated(i, "block comment");
        return m_n;
    }
    if (m_v.family == Family::MySql) {
        if (m_inExecutable) {
            failAmbiguous(i, QStringLiteral("a comment inside a MySQL executable comment"),
                          QStringLiteral("Remove the comment from the /*! ... */ block."));
            return m_n;
        }
        const char16_t kind = at(i + 2);
        if (kind == '!' || (kind == 'M' && at(i + 3) == '!')) {
            // Executable comment: its content is code (unless the server is older
            // than the version number, when it is a comment; the restrictions on
            // comments and literals inside make both readings end at the same */).
            qsizetype j = i + (kind == '!' ? 3 : 4);
            while (j < m_n && isDigit(m_s[j].unicode()))
                ++j;
            token(Token::ExecutableOpen, i, j);
            m_inExecutable = true;
            m_executableOpen = i;
            return j;
        }
    }
    const qsizetype close = m_sql.indexOf(u"*/", i + 2);
    if (close < 0) {
        failUnterminated(i, "block comment");
        return m_n;
    }
    if (m_v.family == Family::MySql) {
        const QStringView content = slice(i + 2, close);
        if (content.contains(u"/*")) {
            // MySQL does not nest comments; MariaDB's versions disagree. Refuse.
            failAmbiguous(i, QStringLiteral("a nested block comment"),
                          QStringLiteral("Remove the inner '/*'; MySQL and MariaDB read nested "
                                         "comments differently."));
            return m_n;
        }
        if (at(i + 2) == '+') {
            // Optimizer hints have their own lexer; keep them free of quotes so
            // it cannot end the hint anywhere but at the first */.
            if (content.contains(u'\'') || content.contains(u'"') || content.contains(u'`')) {
                failAmbiguous(i, QStringLiteral("quotes inside an optimizer hint (/*+ ... */)"),
                              QStringLiteral("Remove the quotes from the hint."));
                return m_n;
            }
            checkLoose(i + 3, close);
        }
    }
    return close + 2;
}

qsizetype SqlScanner::lexWord(qsizetype i)
{
    qsizetype j = i + 1;
    while (j < m_n && isIdentifierPart(m_s[j].unicode()))
        ++j;
    if (m_v.family == Family::Postgres && j - i == 1) {
        // Prefixed literals, recognised (as by scan.l) only when the letter is a
        // token of its own: E'..', B'..', X'..', U&'..', U&"..".
        const char16_t letter = m_s[i].unicode() | 0x20;
        const char16_t after = at(j);
        if (after == '\'' && letter == 'e')
            return lexPgString(i, j, PgString::Escape);
        if (after == '\'' && (letter == 'b' || letter == 'x'))
            return lexPgString(i, j, PgString::Bits);
        if (letter == 'u' && after == '&' && at(j + 1) == '\'')
            return lexPgString(i, j + 1, PgString::Standard);
        if (letter == 'u' && after == '&' && at(j + 1) == '"') {
            const qsizetype end
                = lexDelimited(j + 1, '"', false, Token::QuotedName, "quoted identifier", i);
            if (!m_failed && slice(j + 1, end).contains(u'\\')) {
                failAmbiguous(i, QStringLiteral("an identifier with Unicode escapes (U&\"...\")"),
                              QStringLiteral("Write the identifier without escapes."));
                return m_n;
            }
            m_previousWasUnicodeName = !m_failed;
            return end;
        }
    }
    bool blank = true;
    for (qsizetype k = i; k < j && blank; ++k)
        blank = isUnicodeBlank(m_s[k].unicode());
    if (!blank) // a run of non-ASCII spaces is whitespace to a reader
        token(Token::Word, i, j);
    return j;
}

qsizetype SqlScanner::lexNumber(qsizetype i)
{
    qsizetype j = i;
    while (j < m_n) {
        const char16_t c = m_s[j].unicode();
        if (!(isAsciiLetter(c) || isDigit(c) || c == '_' || c == '.' || c >= 0x80))
            break;
        ++j;
    }
    const char16_t after = at(j);
    if (m_v.family == Family::Postgres && (after == '\'' || after == '"' || after == '$')) {
        // `1E'..'`, `0x1F$$..`: PostgreSQL versions split these differently.
        failAmbiguous(j, QStringLiteral("a quote or '$' directly after a number"),
                      QStringLiteral("Put a space between the number and what follows it."));
        return m_n;
    }
    token(Token::Number, i, j);
    if (!m_failed) {
        qsizetype k = i; // `1DROP` is a word to MySQL; check what follows the digits
        while (k < j && (isDigit(m_s[k].unicode()) || m_s[k] == u'.' || m_s[k] == u'_'))
            ++k;
        if (k < j)
            checkLoose(k, j);
    }
    return j;
}

qsizetype SqlScanner::lexDelimited(qsizetype i, char16_t delimiter, bool backslash, Token kind,
                                   const char *what, qsizetype tokenStart)
{
    qsizetype j = i + 1;
    while (j < m_n) {
        const char16_t c = m_s[j].unicode();
        if (backslash && c == '\\') {
            j += 2;
            continue;
        }
        if (c == delimiter) {
            if (at(j + 1) == delimiter && j + 1 < m_n) {
                j += 2;
                continue;
            }
            token(kind, tokenStart < 0 ? i : tokenStart, j + 1);
            return j + 1;
        }
        ++j;
    }
    failUnterminated(i, what);
    return m_n;
}

qsizetype SqlScanner::lexPgString(qsizetype start, qsizetype quote, PgString mode)
{
    qsizetype j = quote + 1;
    for (;;) {
        while (j < m_n) {
            const char16_t c = m_s[j].unicode();
            if (mode == PgString::Escape && c == '\\') {
                j += 2;
                continue;
            }
            if (c == '\'') {
                if (mode != PgString::Bits && j + 1 < m_n && m_s[j + 1] == u'\'') {
                    j += 2;
                    continue;
                }
                break;
            }
            ++j;
        }
        if (j >= m_n) {
            failUnterminated(start, "string literal");
            return m_n;
        }
        // 'a'<newline>'b' continues the literal in the same mode (E'..' stays E).
        const qsizetype continued = pgContinuation(j + 1);
        if (m_failed)
            return m_n;
        if (continued < 0) {
            token(Token::Literal, start, j + 1);
            return j + 1;
        }
        j = continued + 1;
    }
}

// scan.l: quotecontinue = quote {horiz_whitespace}* newline {special_whitespace}* quote,
// where whitespace may include -- comments. Returns the next quote or -1.
qsizetype SqlScanner::pgContinuation(qsizetype from)
{
    bool verticalTab = false; // whitespace only since PostgreSQL 16
    qsizetype k = from;
    for (;;) {
        const char16_t c = at(k);
        if (k < m_n && (c == ' ' || c == '\t' || c == '\f' || c == '\v')) {
            verticalTab |= c == '\v';
            ++k;
        } else if (c == '-' && at(k + 1) == '-') {
            k = lexLineComment(k + 2);
        } else {
            break;
        }
    }
    if (k >= m_n || !(m_s[k] == u'\n' || m_s[k] == u'\r'))
        return -1;
    ++k;
    for (;;) {
        const char16_t c = at(k);
        if (k < m_n && isAsciiSpace(c)) {
            verticalTab |= c == '\v';
            ++k;
        } else if (c == '-' && at(k + 1) == '-') {
            const qsizetype end = lexLineComment(k + 2);
            if (end >= m_n)
                break;
            k = end + 1;
        } else {
            break;
        }
    }
    if (k >= m_n || m_s[k] != u'\'')
        return -1;
    if (verticalTab) {
        failAmbiguous(from, QStringLiteral("a string continued across a vertical tab"),
                      QStringLiteral("Remove the vertical tab."));
        return -1;
    }
    return k;
}

qsizetype SqlScanner::lexDollar(qsizetype i)
{
    if (isDigit(at(i + 1))) { // $1: a parameter, never a quote
        qsizetype j = i + 1;
        while (j < m_n && isDigit(m_s[j].unicode()))
            ++j;
        token(Token::Parameter, i, j);
        return j;
    }
    qsizetype j = i + 1;
    if (j < m_n && isDollarTagStart(m_s[j].unicode())) {
        ++j;
        while (j < m_n && isDollarTagPart(m_s[j].unicode()))
            ++j;
    }
    if (at(j) != '$' || j >= m_n) {
        token(Token::Punctuation, i, i + 1);
        return i + 1;
    }
    const QStringView delimiter = slice(i, j + 1);
    const qsizetype close = m_sql.indexOf(delimiter, j + 1);
    if (close < 0) {
        failUnterminated(i, "dollar-quoted string");
        return m_n;
    }
    token(Token::Literal, i, close + delimiter.size());
    return close + delimiter.size();
}

qsizetype SqlScanner::lexSqliteVariable(qsizetype i)
{
    // tokenize.c: $name, @name, :name, #name, with `::` and a `(...)` suffix.
    qsizetype j = i + 1;
    int nameChars = 0;
    while (j < m_n) {
        const char16_t c = m_s[j].unicode();
        if (isIdentifierPart(c)) {
            ++nameChars;
            ++j;
        } else if (c == '(' && nameChars > 0) {
            const qsizetype open = j++;
            while (j < m_n && !(m_s[j].unicode() >= 0x09 && m_s[j].unicode() <= 0x0d)
                   && m_s[j] != u' ' && m_s[j] != u')') {
                // The parser's tokenizer swallows anything here, sqlite3_complete()
                // (the CLI's) does not: keep to characters both read alike.
                if (!isIdentifierPart(m_s[j].unicode()) && m_s[j] != u',') {
                    failAmbiguous(open, QStringLiteral("a SQLite variable with a '(...)' suffix"),
                                  QStringLiteral("Use a plain parameter such as :name or ?1."));
                    return m_n;
                }
                ++j;
            }
            if (j >= m_n || m_s[j] != u')') {
                // SQLite rejects it; refusing keeps a `)` appended later from closing it.
                failUnterminated(i, "SQLite variable name");
                return m_n;
            }
            ++j;
            break;
        } else if (c == ':' && at(j + 1) == ':') {
            j += 2;
        } else {
            break;
        }
    }
    token(Token::Parameter, i, j);
    if (!m_failed)
        checkLoose(i + 1, j);
    return j;
}

qsizetype SqlScanner::lexBracketName(qsizetype i)
{
    const qsizetype close = m_sql.indexOf(u']', i + 1);
    if (close < 0) {
        failUnterminated(i, "bracketed identifier");
        return m_n;
    }
    token(Token::QuotedName, i, close + 1);
    return close + 1;
}

// --- analysis ----------------------------------------------------------------

void SqlScanner::token(Token kind, qsizetype start, qsizetype end)
{
    if (m_failed)
        return;
    if (m_inExecutable && (kind == Token::Literal || kind == Token::QuotedName)
        && slice(start, end).contains(u"*/")) {
        failAmbiguous(start, QStringLiteral("'*/' inside a literal in a MySQL executable comment"),
                      QStringLiteral("Move the literal out of the /*! ... */ block."));
        return;
    }
    if (m_pending != Pending::None) {
        resolvePending(kind, start, end);
        if (m_failed)
            return;
    }
    const bool unicodeName = m_previousWasUnicodeName;
    m_previousWasUnicodeName = false;

    if (kind == Token::Semicolon) {
        if (m_firstSemicolon < 0)
            m_firstSemicolon = start;
        m_previousWord = {};
        return;
    }
    if (m_firstSemicolon >= 0) {
        fail(Outcome::MultipleStatements,
             QStringLiteral("Only one SQL statement can be executed. A second statement starts at "
                            "%1, after the ';' at %2.")
                 .arg(where(start), where(m_firstSemicolon)),
             QStringLiteral("Remove everything after the first statement."));
        return;
    }
    if (m_codeStart < 0)
        m_codeStart = start;
    m_codeEnd = end;

    AsciiWord word;
    switch (kind) {
    case Token::OpenParen:
        m_openParens.append(start);
        break;
    case Token::CloseParen:
        if (m_openParens.isEmpty()) {
            fail(Outcome::NotReadOnly,
                 QStringLiteral("SQL has an unmatched ')' at %1.").arg(where(start)),
                 QStringLiteral("Balance the parentheses; ktx runs the query as a subquery to cap "
                                "its rows."));
            return;
        }
        m_openParens.removeLast();
        break;
    case Token::Word:
        word = AsciiWord(slice(start, end));
        if (unicodeName && word == "uescape") {
            failAmbiguous(start, QStringLiteral("an identifier with Unicode escapes (UESCAPE)"),
                          QStringLiteral("Write the identifier without escapes."));
            return;
        }
        checkWordToken(start, end, word);
        break;
    case Token::QuotedName: {
        // "nextval"('s') still calls nextval.
        const qsizetype open = m_s[start] == u'U' || m_s[start] == u'u' ? start + 2 : start;
        checkFunctionName(slice(open + 1, end - 1), start);
        break;
    }
    default:
        break;
    }
    if (m_failed)
        return;
    if (!m_startChecked && kind != Token::OpenParen && kind != Token::ExecutableOpen
        && kind != Token::ExecutableClose)
        checkStart(kind, start, end);
    if (kind == Token::Word)
        m_previousWord = word;
    else if (kind != Token::ExecutableOpen && kind != Token::ExecutableClose)
        m_previousWord = {};
}

void SqlScanner::checkWordToken(qsizetype start, qsizetype end, const AsciiWord &word)
{
    const QStringView text = slice(start, end);
    bool whole = true;
    for (const QChar ch : text)
        whole = whole && isKeywordPart(ch.unicode());
    if (!whole) { // `a$drop`, `x\u00a0drop`: check each piece, without exceptions
        checkPieces(start, end, true);
        return;
    }
    if (checkFunctionName(text, word, start) || !word.isValid() || word.isTruncated())
        return;
    const Keyword *keyword = findKeyword(word.view());
    if (!keyword)
        return;
    if (!m_startChecked && keyword->rule != Rule::OnlyAfterForOrKey) {
        flagKeyword(*keyword, start, end); // a statement cannot start with any of them
        return;
    }
    const bool afterForOrKey = m_previousWord == "for" || m_previousWord == "key";
    switch (keyword->rule) {
    case Rule::Always:
    case Rule::RowLockAfterFor:
        flagKeyword(*keyword, start, end);
        break;
    case Rule::AllowedAsCallInMySql:
        if (m_v.family != Family::MySql) {
            flagKeyword(*keyword, start, end);
            break;
        }
        [[fallthrough]];
    case Rule::AllowedAsCall:
        m_pending = Pending::NeedsCall;
        break;
    case Rule::OnlyBeforeOn:
        m_pending = Pending::FlagIfOn;
        break;
    case Rule::OnlyBeforeTransaction:
        m_pending = Pending::FlagIfTransaction;
        break;
    case Rule::NotAfterCharacter:
        if (!(m_previousWord == "character"))
            flagKeyword(*keyword, start, end);
        break;
    case Rule::OnlyAfterForOrKey:
        if (afterForOrKey)
            flagKeyword(*keyword, start, end);
        break;
    }
    if (m_pending != Pending::None) {
        m_pendingKeyword = keyword;
        m_pendingPos = start;
        m_pendingEnd = end;
    }
}

// Checks each word-like piece of [start, end). Loosely (everyKeyword false) for
// text the server treats as one opaque token (SQLite variables, optimizer hints,
// the letters after a number): only unconditional keywords and side-effect calls.
void SqlScanner::checkPieces(qsizetype start, qsizetype end, bool everyKeyword)
{
    for (qsizetype k = start; k < end && !m_failed;) {
        while (k < end && !isKeywordPart(m_s[k].unicode()))
            ++k;
        qsizetype e = k;
        while (e < end && isKeywordPart(m_s[e].unicode()))
            ++e;
        if (e > k) {
            const QStringView piece = slice(k, e);
            if (!checkFunctionName(piece, k)) {
                const Keyword *keyword = findKeyword(AsciiWord(piece).view());
                if (keyword && (everyKeyword || keyword->rule == Rule::Always))
                    flagKeyword(*keyword, k, e);
            }
        }
        k = e;
    }
}

bool SqlScanner::checkFunctionName(QStringView name, const AsciiWord &word, qsizetype pos)
{
    if (!word.isValid())
        return false;
    const SideEffectFunction *function = findSideEffectFunction(word.view(), word.isTruncated());
    if (!function)
        return false;
    const char *effect = function->effect == Effect::State
        ? "which changes database or server state"
        : function->effect == Effect::Files ? "which reads or writes files on the database server"
                                            : "which runs SQL given as text that ktx cannot check";
    fail(
        Outcome::NotReadOnly,
        QStringLiteral("SQL calls %1() at %2, %3; %4")
            .arg(name.toString().toLower(), where(pos), QLatin1StringView(effect), readOnlyOnly()));
    return true;
}

void SqlScanner::flagKeyword(const Keyword &keyword, qsizetype pos, qsizetype end)
{
    const QString word = slice(pos, end).toString();
    QString shown = word.toUpper();
    Category category = keyword.category;
    if (m_startChecked && (m_previousWord == "for" || m_previousWord == "key")
        && (keyword.name == "update" || keyword.name == "share")) {
        category = Category::RowLock;
        if (m_previousWord == "for")
            shown = QStringLiteral("FOR ") + shown;
        else
            shown = keyword.name == "update" ? QStringLiteral("FOR NO KEY UPDATE")
                                             : QStringLiteral("FOR KEY SHARE");
    }
    QString what;
    switch (category) {
    case Category::Write: {
        const bool dataModifying = keyword.name == "insert" || keyword.name == "update"
            || keyword.name == "delete" || keyword.name == "merge";
        what = m_startsWithWith && !m_openParens.isEmpty() && dataModifying
            ? QStringLiteral("a data-modifying WITH query")
            : QStringLiteral("a write operation");
        break;
    }
    case Category::Routine:
        what = QStringLiteral("a procedure call or dynamic SQL");
        break;
    case Category::Transaction:
        what = QStringLiteral("a transaction command");
        break;
    case Category::Session:
        what = QStringLiteral("a session or server command");
        break;
    case Category::NotAQuery:
        what = QStringLiteral("a command that is not a query");
        break;
    case Category::Lock:
        what = QStringLiteral("a table or row lock");
        break;
    case Category::RowLock:
        what = QStringLiteral("a row-locking clause");
        break;
    }
    QString hint;
    if (category == Category::RowLock) {
        hint = QStringLiteral("Remove the locking clause; ktx never locks rows.");
    } else {
        const QString lower = word.toLower();
        const QChar quote = m_v.family == Family::MySql ? QChar(u'`') : QChar(u'"');
        const QString quoted = quote + lower + quote;
        hint = QStringLiteral("If %1 is meant as a column or table name, quote it: %2.")
                   .arg(lower, quoted);
    }
    fail(Outcome::NotReadOnly,
         QStringLiteral("SQL contains %1 (%2 at %3); %4")
             .arg(what, shown, where(pos), readOnlyOnly()),
         hint);
}

void SqlScanner::checkStart(Token kind, qsizetype start, qsizetype end)
{
    m_startChecked = true;
    if (kind == Token::Word) {
        const AsciiWord word(slice(start, end));
        if (word == "select")
            return;
        if (word == "with") {
            m_startsWithWith = true;
            return;
        }
    }
    QString found = slice(start, end).toString();
    if (found.size() > 24)
        found = found.left(24) + QStringLiteral("...");
    fail(Outcome::NotReadOnly,
         QStringLiteral("SQL must start with SELECT or WITH, but starts with '%1' at %2; %3")
             .arg(found, where(start), readOnlyOnly()));
}

void SqlScanner::resolvePending(Token kind, qsizetype start, qsizetype end)
{
    const Pending pending = m_pending;
    m_pending = Pending::None;
    bool refuse = false;
    switch (pending) {
    case Pending::None:
        return;
    case Pending::NeedsCall:
        refuse = kind != Token::OpenParen;
        break;
    case Pending::FlagIfOn:
        refuse = kind == Token::Word && AsciiWord(slice(start, end)) == "on";
        break;
    case Pending::FlagIfTransaction:
        refuse = kind == Token::Word && AsciiWord(slice(start, end)) == "transaction";
        break;
    }
    if (refuse)
        flagKeyword(*m_pendingKeyword, m_pendingPos, m_pendingEnd);
}

void SqlScanner::finish()
{
    if (m_failed)
        return;
    if (m_inExecutable) {
        failUnterminated(m_executableOpen, "MySQL executable comment (/*! ... */)");
        return;
    }
    if (m_pending == Pending::NeedsCall) {
        m_pending = Pending::None;
        flagKeyword(*m_pendingKeyword, m_pendingPos, m_pendingEnd);
        return;
    }
    m_pending = Pending::None;
    if (m_v.family == Family::MySql && m_codeEnd >= 2 && m_s[m_codeEnd - 1] == u'-'
        && m_s[m_codeEnd - 2] == u'-') {
        // Two minus signs now, a comment once anything (the row-limit wrapper)
        // follows after a space.
        failAmbiguous(m_codeEnd - 2, QStringLiteral("'--' at the end of the statement"),
                      QStringLiteral("Remove the trailing '--' or put a space between the signs."));
        return;
    }
    if (!m_openParens.isEmpty()) {
        fail(Outcome::NotReadOnly,
             QStringLiteral("SQL has an unclosed '(' at %1.").arg(where(m_openParens.last())),
             QStringLiteral("Balance the parentheses; ktx runs the query as a subquery to cap "
                            "its rows."));
        return;
    }
    if (m_codeStart < 0 || !m_startChecked) {
        fail(Outcome::Empty,
             QStringLiteral("SQL is empty: it has only whitespace, comments or semicolons."),
             QStringLiteral("Write a single SELECT or WITH query."));
    }
}

void SqlScanner::fail(Outcome outcome, QString message, QString hint)
{
    if (m_failed)
        return;
    m_failed = true;
    m_verdict.outcome = outcome;
    m_verdict.message = std::move(message);
    m_verdict.hint = std::move(hint);
}

void SqlScanner::failUnterminated(qsizetype pos, const char *what)
{
    fail(Outcome::Unterminated,
         QStringLiteral("SQL has an unterminated %1 starting at %2.")
             .arg(QLatin1StringView(what), where(pos)),
         QStringLiteral("Close it, or remove it; ktx will not guess where it ends."));
}

void SqlScanner::failAmbiguous(qsizetype pos, const QString &what, const QString &hint)
{
    fail(Outcome::NotReadOnly,
         QStringLiteral("SQL has %1 at %2, which servers read in different ways, so ktx cannot "
                        "prove the query is read-only.")
             .arg(what, where(pos)),
         hint);
}

Error toError(const Verdict &verdict)
{
    const char *code = verdict.outcome == Outcome::Empty ? "sql_empty"
        : verdict.outcome == Outcome::MultipleStatements ? "sql_multiple_statements"
                                                         : "sql_not_read_only";
    return makeError(QLatin1StringView(code), verdict.message, verdict.hint);
}

} // namespace

Result<QString> ReadOnlySqlGuard::check(const QString &sql, const QString &driver)
{
    const qsizetype nul = sql.indexOf(QChar(0));
    if (nul >= 0) {
        return makeError(
            QStringLiteral("sql_not_read_only"),
            QStringLiteral("SQL contains a NUL character at %1.").arg(location(sql, nul)),
            QStringLiteral("Remove it; servers stop reading at a NUL."));
    }
    const DriverLexing lexing = lexingFor(driver);
    const Verdict primary = SqlScanner(sql, *lexing.variants.first()).run();
    if (primary.outcome != Outcome::Accepted)
        return toError(primary);
    const QString sameEverywhere = QStringLiteral(
        "Write a quote inside a string as '' rather than \\' so the query reads the same in every "
        "server mode.");
    for (qsizetype v = 1; v < lexing.variants.size(); ++v) {
        const LexVariant &variant = *lexing.variants[v];
        const Verdict other = SqlScanner(sql, variant).run();
        // A server that sees a literal that never ends rejects the whole text.
        if (other.outcome == Outcome::Unterminated && lexing.tolerateUnterminated)
            continue;
        if (other.outcome != Outcome::Accepted) {
            Error error = toError(other);
            error.message
                += QStringLiteral(" (as read by %1)").arg(QLatin1StringView(variant.label));
            error.hint = sameEverywhere;
            return error;
        }
        if (other.codeStart != primary.codeStart || other.codeEnd != primary.codeEnd) {
            return makeError(QStringLiteral("sql_not_read_only"),
                             QStringLiteral("SQL quoting is ambiguous: %1 and %2 would end the "
                                            "statement in different places, so ktx cannot prove "
                                            "the query is read-only.")
                                 .arg(QLatin1StringView(lexing.variants.first()->label),
                                      QLatin1StringView(variant.label)),
                             sameEverywhere);
        }
    }
    return sql.mid(primary.codeStart, primary.codeEnd - primary.codeStart);
}

} // namespace ktx
