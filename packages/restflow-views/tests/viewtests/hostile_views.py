"""Echo views on restflow-views' sync and async view families, with DRF's default parsers.

``GET`` counts the query parameters, ``POST`` answers the parsed body.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from restflow.views import APIView, AsyncAPIView, GenericAPIView


class SyncEcho(APIView):
    def get(self, request: Request) -> Response:
        return Response({"fields": len(request.query_params)})

    def post(self, request: Request) -> Response:
        return Response(request.data)


class AsyncEcho(AsyncAPIView):
    async def get(self, request: Request) -> Response:
        return Response({"fields": len(request.query_params)})

    async def post(self, request: Request) -> Response:
        return Response(request.data)


class SyncGenericEcho(GenericAPIView):
    def post(self, request: Request) -> Response:
        return Response(request.data)
