# stressgpu image: CUDA runtime base so the JAX CUDA wheels find a driver when the host has a
# GPU (`docker run --gpus all ...`); without one JAX falls back to the CPU, with no code change.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
    && rm -rf /var/lib/apt/lists/*
ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1
RUN python3 -m venv $VIRTUAL_ENV

WORKDIR /app
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY src ./src
COPY conf ./conf
COPY data ./data
COPY scripts ./scripts
COPY tests ./tests
# A regular (not editable) install: conf/ and data/ ship inside the package.
RUN pip install --no-cache-dir '.[cuda,test]'

# Results land in /app/outputs: mount a volume there to keep them. Compiled programs are cached
# in /root/.cache/stressgpu (compile_cache=auto): a named volume there keeps them between runs.
ENTRYPOINT ["python", "-m", "stressgpu"]
CMD ["+shock=deepseek"]
