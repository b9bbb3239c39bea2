"""Keystrokes per coded segment: `qualkit code` driven in a real terminal (tmux).

A coder's decisions for one sample interview (interview-05-fenmarsh, 155 segments, 75 of them
coded; labels below, made by reading the transcript) are played into the app with
``tmux send-keys`` as a keyboard user would: on each segment, read the screen
(``capture-pane``); if the right code is among the suggestions press its number; with
``suggest-repeat``, if it is the code applied last press ``.``; otherwise ``c``, the fewest
letters of the code's name that bring it to the top of the picker, Enter, then ``j``; a
segment left uncoded costs ``j``. Every key sent is counted.

    tmux new-session -d -s trial -x 120 -y 40 -c PROJECT
    tmux send-keys -t trial "qualkit code --coder trial1 --doc fenmarsh" Enter
    python bench/tui_trial.py trial 155 suggest          # or: keyboard | suggest-repeat

Then check the store holds exactly the labels (the numbers are in bench/README.md).
"""
import json
import re
import subprocess
import sys
import time

G = {}
def s(code, *rows):
    for r in rows: G[r] = code
s("enabler.health_expertise", 21, 25, 26, 28, 29, 140, 141)
s("barrier.health_data.la_knowledge", 22, 23)
s("enabler.linkage_experience", 33, 35, 36, 37, 38, 39, 41, 42, 43, 44, 45, 46, 48, 50, 52, 142, 144, 145)
s("barrier.information_governance", 56, 57, 58, 60, 128, 129, 130, 132, 133)
s("barrier.data_digital.identifier", 62, 63, 64, 65)
s("enabler.integrated_working", 81, 82, 83, 84, 86, 87, 89, 90, 91, 93, 95, 96)
s("use.early_intervention", 100, 115, 116, 125)
s("use.strategic_planning", 103, 104, 106, 107, 108, 110, 111)
s("use.impact_outcomes", 112, 137)
s("use.service_patterns", 117, 118, 120, 121)
s("use.targeted_response", 123, 124)
s("barrier.resources", 135, 136)
s("suggestion.shared_learning", 139)
s("suggestion.joined_up_government", 148)

SESSION, N = sys.argv[1], int(sys.argv[2])
USE_SUGGESTIONS = sys.argv[3].startswith("suggest")
USE_REPEAT = sys.argv[3].endswith("repeat")
keys = {"nav": 0, "suggest": 0, "repeat": 0, "picker": 0}
last = None
log = []

def send(*k):
    subprocess.run(["tmux", "send-keys", "-t", SESSION, *k], check=True)

def cap():
    return subprocess.run(["tmux", "capture-pane", "-t", SESSION, "-p"], capture_output=True,
                          text=True).stdout

def suggestions():
    for _ in range(60):
        screen = cap()
        if "working out" not in screen:
            return re.findall(r"([123]) +\d\.\d\d +([a-z_]+(?:\.[a-z_]+)*)", screen), screen
        time.sleep(0.2)
    return [], screen

QUERY = {c: c.rsplit(".", 1)[-1].replace("_", " ") for c in set(G.values())}

def pick(code):
    """c, the fewest letters of the code's last part that put it first, Enter."""
    send("c"); time.sleep(0.4)
    word = QUERY[code]
    typed = ""
    for ch in word:
        send("-l", ch); typed += ch; time.sleep(0.25)
        screen = cap()
        first = None
        after_input = False
        for line in screen.splitlines():
            if "▁▁▁" in line:
                after_input = True
                continue
            if after_input and line.count("█") >= 2:
                inner = line[line.index("█") + 1:line.rindex("█")]
                m = re.search(r"((?:barrier|enabler|use|suggestion)[a-z_.]*)  ", inner)
                if m:
                    first = m.group(1)
                    break
        if first == code and len(typed) >= 2:
            break
    send("Enter"); time.sleep(0.5)
    keys["picker"] += 2 + len(typed)
    return typed

time.sleep(1)
for row in range(N):
    code = G.get(row)
    if code is None:
        send("j"); keys["nav"] += 1; time.sleep(0.35); log.append((row, None, "skip")); continue
    if USE_SUGGESTIONS:
        found, screen = suggestions()
        ranks = {c: int(k) for k, c in found}
        if code in ranks:
            send(str(ranks[code])); keys["suggest"] += 1; time.sleep(0.5); last = code
            log.append((row, code, f"suggestion {ranks[code]}")); continue
    if USE_REPEAT and code == last:
        send("."); keys["repeat"] += 1; time.sleep(0.5)
        log.append((row, code, "repeat")); continue
    typed = pick(code)
    last = code
    send("j"); keys["nav"] += 1; time.sleep(0.35)
    log.append((row, code, f"picker '{typed}'"))
coded = sum(1 for r in range(N) if r in G)
total = sum(keys.values())
print(json.dumps({"keys": keys, "total": total, "coded": coded,
                  "per_coded": round(total / coded, 2),
                  "coding_keys_per_coded": round((keys['suggest'] + keys['repeat'] + keys['picker'])
                                                 / coded, 2),
                  "by_repeat": sum(1 for x in log if x[2] == "repeat"),
                  "by_suggestion": sum(1 for x in log if x[2].startswith("suggestion")),
                  "ranks": [x[2] for x in log if x[1]]}))
