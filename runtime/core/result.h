#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace ktx {

// An error a user can act on: a stable machine code, a sentence saying what went
// wrong and, where we know it, what to do next. Location fields are filled for
// errors that point into a file (ktx.yaml, a source YAML).
struct Error
{
    QString code;
    QString message;
    QString hint;
    QString file;
    int line = 0; // 1-based; 0 when unknown
    int column = 0; // 1-based; 0 when unknown

    QString toText() const
    {
        QString text;
        if (!file.isEmpty()) {
            text += file;
            if (line > 0)
                text += QLatin1Char(':') + QString::number(line) + QLatin1Char(':')
                    + QString::number(column);
            text += QLatin1String(": ");
        }
        text += message;
        if (!hint.isEmpty())
            text += QLatin1Char('\n') + hint;
        return text;
    }
};

inline Error makeError(QString code, QString message, QString hint = {})
{
    return Error {std::move(code), std::move(message), std::move(hint), {}, 0, 0};
}

// Either a value or an Error. Functions that can fail return this; no exceptions
// cross module boundaries.
template<typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    { }
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    { }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T *operator->() const { return &std::get<0>(m_data); }
    T *operator->() { return &std::get<0>(m_data); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

template<> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_failed(true)
    { }

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

} // namespace ktx
