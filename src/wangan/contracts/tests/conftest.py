import pytest

from wangan.contracts.tests.factories import make_contract, make_parties


@pytest.fixture
def parties(db):
    return make_parties()


@pytest.fixture
def contract(parties):
    return make_contract(*parties)
