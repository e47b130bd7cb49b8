"""Secret ballots: tracking codes, the receipt sealed for its voter, and the shuffle at closing.

What a secret vote leaves in the database (docs/security.md, "Secret ballots"):
- `secret_votes` (choice, tracking code) and `ballot_voters.voted` are written in one transaction,
  so while the ballot is open someone who can read the tables could pair them (PostgreSQL's heap
  order, `xmin`; the write-ahead log). When the ballot closes, both tables' rows of the ballot are
  deleted and written again by the closing transaction under fresh random keys, in the order of
  those keys: afterwards their keys, their order (SQLite rowid tables are not used: both are
  WITHOUT ROWID; PostgreSQL ctid) and their transaction ids say nothing about who voted when.
- the voter's tracking code is kept for them until closing only sealed with a key derived from the
  server's secret key (not stored in the database), and erased at closing.
"""
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, insert, select

from ecabinet.extensions import db
from ecabinet.voting.models import BallotVoter, SecretVote, random_key

# Crockford's base32 without look-alikes (no I, L, O, U): codes read aloud or copied by hand.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKER_LENGTH = 10  # 50 random bits


def new_tracker():
    """A random tracking code shown once to the voter, e.g. 'K7Q2M-9XF3D': 50 random bits from one
    read of the system's generator (a read per character cost ten system calls per vote), five bits
    per character of the 32-letter alphabet."""
    bits = int.from_bytes(secrets.token_bytes(7), "big") >> 6
    raw = "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in range(TRACKER_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _key(ballot_id, user_id):
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"ecabinet-receipt|{ballot_id}|{user_id}".encode(), hashlib.sha256).digest()


def seal(tracker, ballot_id, user_id):
    """The tracking code encrypted for this voter of this ballot (HMAC-SHA256 as the key stream,
    a random nonce, and a tag): nonce(16) + ciphertext + tag(16)."""
    key, nonce, plain = _key(ballot_id, user_id), secrets.token_bytes(16), tracker.encode()
    stream = hmac.new(key, b"stream" + nonce, hashlib.sha256).digest()[:len(plain)]
    cipher = bytes(a ^ b for a, b in zip(plain, stream))
    tag = hmac.new(key, b"tag" + nonce + cipher, hashlib.sha256).digest()[:16]
    return nonce + cipher + tag


def unseal(sealed, ballot_id, user_id):
    """The tracking code, or None when there is none or it does not open with this voter's key."""
    if not sealed or len(sealed) < 33:
        return None
    sealed = bytes(sealed)
    key, nonce, cipher, tag = _key(ballot_id, user_id), sealed[:16], sealed[16:-16], sealed[-16:]
    if not hmac.compare_digest(hmac.new(key, b"tag" + nonce + cipher, hashlib.sha256).digest()[:16], tag):
        return None
    stream = hmac.new(key, b"stream" + nonce, hashlib.sha256).digest()[:len(cipher)]
    return bytes(a ^ b for a, b in zip(cipher, stream)).decode()


def shuffle_at_close(ballot_id):
    """Write the ballot's secret votes and voter rows again under fresh random keys, in the order of
    those keys, without the sealed receipts (in the closing transaction)."""
    session = db.session
    votes = session.execute(select(SecretVote.choice, SecretVote.tracker)
                            .where(SecretVote.ballot_id == ballot_id)).all()
    voters = session.execute(select(BallotVoter.user_id, BallotVoter.for_user_id, BallotVoter.voted,
                                    BallotVoter.by_hand).where(BallotVoter.ballot_id == ballot_id)).all()
    session.execute(delete(SecretVote).where(SecretVote.ballot_id == ballot_id))
    session.execute(delete(BallotVoter).where(BallotVoter.ballot_id == ballot_id))
    vote_rows = sorted(({"id": random_key(), "ballot_id": ballot_id, "choice": choice, "tracker": tracker}
                        for choice, tracker in votes), key=lambda row: row["id"])
    voter_rows = sorted(({"id": random_key(), "ballot_id": ballot_id, "user_id": user_id,
                          "for_user_id": for_user_id, "voted": voted, "by_hand": by_hand, "sealed_receipt": None}
                         for user_id, for_user_id, voted, by_hand in voters), key=lambda row: row["id"])
    # Multi-row INSERTs with the rows in key order (in chunks: SQLite limits the parameters).
    for model, rows in ((SecretVote, vote_rows), (BallotVoter, voter_rows)):
        for start in range(0, len(rows), 400):
            session.execute(insert(model).values(rows[start:start + 400]))
