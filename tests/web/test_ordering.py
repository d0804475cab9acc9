"""Names listed as people read them."""

from casedesk.web.ordering import natural_key


def test_numbers_inside_names_sort_by_value_and_case_is_ignored() -> None:
    names = ["phishing", "CWE-116", "cwe-1173", "CWE-20", "Initial-access", "CWE-2"]

    assert sorted(names, key=natural_key) == [
        "CWE-2",
        "CWE-20",
        "CWE-116",
        "cwe-1173",
        "Initial-access",
        "phishing",
    ]


def test_a_name_of_digits_sorts_before_words() -> None:
    assert sorted(["alpha", "42", "7"], key=natural_key) == ["7", "42", "alpha"]
