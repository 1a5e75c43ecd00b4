#!/bin/bash
# A Slurm array job running an explore sweep in 8 shards, one per array task, then a merge job.
#   sbatch explore/examples/slurm-array.sh
# Each task runs its share of the grid (point i goes to shard (i mod 8) + 1) on the cores Slurm gives it and
# writes its own file; a requeued or restarted task resumes its file (points already there are skipped).
#SBATCH --job-name=spikegrid-explore
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=01:00:00
#SBATCH --output=logs/explore-%A_%a.out
#SBATCH --requeue
set -euo pipefail
SHARDS=8
mkdir -p results logs
# not a terminal: spikegrid prints one plain progress line per finished point into the log above
npx spikegrid explore --grid explore/examples/grid.yaml \
  --workers "${SLURM_CPUS_PER_TASK}" \
  --shard "$((SLURM_ARRAY_TASK_ID + 1))/${SHARDS}" \
  -o "results/shard-${SLURM_ARRAY_TASK_ID}.jsonl"

# Merge once every task succeeded (submit separately, depending on the array job):
#   sbatch --dependency=afterok:<array job id> --wrap \
#     'npx spikegrid explore merge results/shard-*.jsonl -o results/all.jsonl --html results/explore.html'
